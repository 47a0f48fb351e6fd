import { INVALIDATING_REASONS, ReviewReason, VALID_BUT_REJECTED_REASONS } from "../../../protocol/review.ts";
import { Level, type Question } from "../../../protocol/schemas.ts";
import type { ReviewEntry, RoundDetail, Session } from "../../wire.ts";
import { el } from "../dom.ts";
import { KEY_HINT } from "../keys.ts";
import { reviewerName, sendReview, setReviewerName, setWriteToken, writeToken } from "../review-api.ts";

/**
 * The review pane of an open round: what reviewers decided so far, and the controls to approve, reject (with a
 * reason) or edit a kept sample, or to record one's own judgement of any judged round. Every decision names the
 * review it was based on; when someone else decided in between, the server refuses it and the pane says so.
 */

export interface ReviewPaneContext {
  runId: string;
  session: Session | undefined;
  /** Called once a decision is recorded, to fetch the round again. */
  recorded(): void;
}

function when(at: string): string {
  return new Date(at).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "medium" });
}

function short(value: unknown): string {
  const text = Array.isArray(value) ? value.join(" / ") : String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function historyLine(entry: ReviewEntry): HTMLElement {
  const changes = Object.entries(entry.edits ?? {}).map(
    ([field, value]) => `${field}: “${short(entry.before?.[field] ?? "")}” → “${short(value)}”`,
  );
  const assessment = entry.assessment
    ? ` · judged ${entry.assessment.valid ? "valid" : "invalid"}${entry.assessment.level ? ` ${entry.assessment.level}` : ""}`
    : "";
  return el(
    "li",
    { "data-testid": "review-history-entry" },
    el("strong", {}, entry.reviewer),
    ` ${entry.action}${entry.reason ? ` (${entry.reason.replace(/_/g, " ")})` : ""}${assessment}`,
    el("span", { class: "muted" }, ` · ${when(entry.at)}`),
    entry.note && el("div", { class: "muted" }, entry.note),
    ...changes.map((change) => el("div", { class: "review-change" }, change)),
  );
}

function select(
  testId: string,
  label: string,
  options: readonly string[],
  blank?: string,
): HTMLSelectElement {
  return el(
    "select",
    { "data-testid": testId, "aria-label": label },
    ...(blank === undefined ? [] : [el("option", { value: "" }, blank)]),
    ...options.map((value) => el("option", { value }, value.replace(/_/g, " "))),
  );
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return el("label", { class: "review-field" }, el("span", {}, text), control);
}

function statusLine(round: RoundDetail): string {
  const review = round.review;
  if (!review?.status) return "Not reviewed yet.";
  const by = review.reviewers.join(", ");
  if (review.status === "rejected")
    return `Rejected${review.reason ? ` (${review.reason.replace(/_/g, " ")})` : ""} — left out of the export. Reviewers: ${by}.`;
  return review.status === "edited"
    ? `Kept with edits (${Object.keys(review.edits).join(", ")}). Reviewers: ${by}.`
    : `Approved. Reviewers: ${by}.`;
}

/** The question as it stands after reviewers' edits. */
function currentQuestion(round: RoundDetail): Question | undefined {
  return round.question && { ...round.question, ...(round.review?.edits as Partial<Question>) };
}

export function reviewPane(round: RoundDetail, context: ReviewPaneContext): HTMLElement {
  const pane = el(
    "section",
    { class: "detail-part review-pane", "data-testid": "review-pane" },
    el("h3", {}, "Review"),
  );
  pane.append(el("p", { "data-testid": "review-status" }, statusLine(round)));
  const history = round.review?.history ?? [];
  if (history.length > 0)
    pane.append(
      el("ol", { class: "review-history", "data-testid": "review-history" }, ...history.map(historyLine)),
    );
  const writes = context.session?.writes;
  if (!round.verdict) {
    pane.append(el("p", { class: "muted" }, "The Judge has not judged this round yet."));
    return pane;
  }
  if (writes === "off" || writes === undefined) {
    pane.append(
      el("p", { class: "muted" }, writes === "off" ? "This dashboard is read-only." : "Connecting…"),
    );
    return pane;
  }
  const message = el("p", { class: "review-message", "data-testid": "review-message", role: "status" });
  const name = el("input", {
    "data-testid": "reviewer-name",
    "aria-label": "your name",
    placeholder: "your name",
    maxlength: 64,
    autocomplete: "name",
  });
  name.value = reviewerName();
  name.addEventListener("change", () => setReviewerName(name.value));
  pane.append(labelled("Reviewer", name));
  if (writes === "token" && !writeToken()) {
    const token = el("input", {
      "data-testid": "write-token",
      type: "password",
      "aria-label": "write token",
    });
    token.addEventListener("change", () => setWriteToken(token.value));
    pane.append(labelled("Token (printed by nanoflux dashboard)", token));
  }
  const level = select("review-level", "your level", Level.options, "— your level —");
  pane.append(labelled("Your level (optional)", level));

  const send = async (request: Parameters<typeof sendReview>[2]) => {
    if (!name.value.trim()) {
      message.textContent = "Give your name first: every decision says who made it.";
      name.focus();
      return;
    }
    setReviewerName(name.value);
    message.textContent = "Recording…";
    const result = await sendReview(context.runId, round.spec.roundId, request).catch((err: unknown) => ({
      ok: false as const,
      status: 0,
      problem: { error: `the dashboard cannot be reached (${String(err)})` },
    }));
    if (result.ok) {
      message.textContent = "Recorded.";
      context.recorded();
    } else {
      message.textContent = result.problem.error;
      if (result.status === 409) context.recorded();
    }
  };
  const base = () => ({
    reviewer: name.value.trim(),
    basedOn: round.reviewSeq ?? round.review?.lastSeq ?? 0,
  });
  /** The reviewer's own call, to set against the Judge's; a level grades a question called valid. */
  const assessment = (valid: boolean | undefined) =>
    valid === undefined
      ? {}
      : { assessment: { valid, ...(valid && level.value && { level: level.value as Level }) } };

  if (round.decision?.status === "accepted") {
    const approve = el("button", { type: "button", "data-testid": "review-approve" }, "Approve");
    approve.addEventListener("click", () => void send({ ...base(), ...assessment(true), action: "approve" }));
    const reason = select("review-reason", "reason", ReviewReason.options);
    const note = el("input", {
      "data-testid": "review-note",
      "aria-label": "note",
      placeholder: "note (optional)",
      maxlength: 2000,
    });
    const reject = el(
      "button",
      { type: "button", class: "danger", "data-testid": "review-reject" },
      "Reject",
    );
    reject.addEventListener("click", () => {
      const chosen = reason.value as ReviewReason;
      const valid = INVALIDATING_REASONS.has(chosen)
        ? false
        : VALID_BUT_REJECTED_REASONS.has(chosen)
          ? true
          : undefined;
      void send({
        ...base(),
        ...assessment(valid),
        action: "reject",
        reason: chosen,
        ...(note.value.trim() && { note: note.value.trim() }),
      });
    });
    pane.append(el("div", { class: "review-actions" }, approve, reason, note, reject));
    pane.append(editForm(round, (edits) => void send({ ...base(), action: "edit", edits })));
  } else {
    const valid = select("review-valid", "valid", ["valid", "invalid"]);
    const assess = el("button", { type: "button", "data-testid": "review-assess" }, "Record my judgement");
    assess.addEventListener(
      "click",
      () => void send({ ...base(), ...assessment(valid.value === "valid"), action: "assess" }),
    );
    pane.append(
      el(
        "p",
        { class: "muted" },
        "Not a kept sample: your judgement counts towards agreement with the Judge only.",
      ),
      el("div", { class: "review-actions" }, valid, assess),
    );
  }
  pane.append(message, el("p", { class: "muted key-hint" }, KEY_HINT));
  return pane;
}

/** Question, reference answer and solution steps (one per line), filled with the sample as it stands. */
function editForm(
  round: RoundDetail,
  save: (edits: { text?: string; referenceAnswer?: string; solutionSteps?: string[] }) => void,
): HTMLElement {
  const question = currentQuestion(round);
  const text = el("textarea", { "data-testid": "review-edit-text", "aria-label": "question", rows: 4 });
  const reference = el("input", { "data-testid": "review-edit-reference", "aria-label": "reference answer" });
  const steps = el("textarea", {
    "data-testid": "review-edit-steps",
    "aria-label": "solution steps, one per line",
    rows: 4,
  });
  text.value = question?.text ?? "";
  reference.value = question?.referenceAnswer ?? "";
  steps.value = question?.solutionSteps.join("\n") ?? "";
  const button = el("button", { type: "button", "data-testid": "review-edit-save" }, "Save edit");
  button.addEventListener("click", () => {
    const edits: { text?: string; referenceAnswer?: string; solutionSteps?: string[] } = {};
    if (text.value.trim() !== question?.text) edits.text = text.value.trim();
    if (reference.value.trim() !== question?.referenceAnswer) edits.referenceAnswer = reference.value.trim();
    const lines = steps.value
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (JSON.stringify(lines) !== JSON.stringify(question?.solutionSteps)) edits.solutionSteps = lines;
    save(edits);
  });
  return el(
    "details",
    { class: "review-edit" },
    el("summary", { "data-testid": "review-edit-open" }, "Edit the sample"),
    labelled("Question", text),
    labelled("Reference answer", reference),
    labelled("Solution steps (one per line)", steps),
    el(
      "p",
      { class: "muted" },
      "The Judge does not re-verify edits: the export's card counts edited reference answers.",
    ),
    button,
  );
}
