import type { NoveltyReport, Question, ToolEvidence, Verdict } from "../../../protocol/schemas.ts";
import type { RoundDetail } from "../../wire.ts";
import { type Child, el, panel, table } from "../dom.ts";
import { similarity } from "../format.ts";

function field(label: string, ...value: Child[]): HTMLElement[] {
  return [el("dt", {}, label), el("dd", {}, ...value)];
}

function prose(text: string, testId?: string): HTMLElement {
  return el("pre", { class: "prose", "data-testid": testId }, text);
}

function questionSection(question: Question, edited: readonly string[]): HTMLElement {
  const options = Object.entries(question.options ?? {});
  return el(
    "section",
    { class: "detail-part" },
    el("h3", {}, "Question"),
    edited.length > 0 &&
      el(
        "p",
        { class: "warning", "data-testid": "edited-note" },
        `As edited by reviewers (${edited.join(", ")}); the run's original is in the review history.`,
      ),
    prose(question.text, "round-question"),
    options.length > 0 &&
      el("ul", { class: "options" }, ...options.map(([letter, text]) => el("li", {}, `${letter}. ${text}`))),
    el(
      "dl",
      {},
      ...field("reference answer", question.referenceAnswer),
      ...field("skill", question.skill),
      ...field("hops", question.hops),
    ),
    el("h4", {}, "Reference solution"),
    el("ol", { class: "steps" }, ...question.solutionSteps.map((step) => el("li", {}, step))),
  );
}

function evidenceItem(evidence: ToolEvidence): HTMLElement {
  return el(
    "li",
    { class: evidence.ok ? "tool-ok" : "tool-failed" },
    el(
      "div",
      {},
      el("strong", {}, evidence.tool),
      evidence.ok ? " ok" : " failed",
      evidence.durationMs !== undefined && ` · ${Math.round(evidence.durationMs)} ms`,
    ),
    // A call without arguments stringifies to undefined.
    prose(JSON.stringify(evidence.arguments, null, 2) ?? "(no arguments)"),
    el("div", { class: "muted" }, "output"),
    prose(evidence.output),
  );
}

/** What the Judge derived from the question alone, before it saw the reference or any answer. */
function derivationFields(verdict: Verdict) {
  const { derivation } = verdict;
  return [
    ...field("derived blind", derivation.answer, " – ", derivation.reasoning),
    ...(derivation.wellPosed ? [] : field("ill-posed", derivation.problem)),
  ];
}

/** Only a valid question is graded and has a Defender result. */
function gradeFields(verdict: Verdict) {
  if (!verdict.valid) return [];
  return [
    ...field("level", `${verdict.level} (score ${verdict.score.toFixed(2)})`, " – ", verdict.gradingReason),
    ...field("defender correct", verdict.defenderCorrect ? "yes" : "no", " – ", verdict.correctnessReason),
  ];
}

function verdictSection(verdict: Verdict): HTMLElement {
  const rubric = verdict.valid ? Object.entries(verdict.rubric) : [];
  return el(
    "section",
    { class: "detail-part", "data-testid": "round-verdict" },
    el("h3", {}, "Judge verdict"),
    el(
      "dl",
      {},
      ...field("outcome", verdict.outcome.replace(/_/g, " ")),
      ...field("valid", verdict.valid ? "yes" : "no", " – ", verdict.validityReason),
      ...derivationFields(verdict),
      ...gradeFields(verdict),
      ...(verdict.verifiedAnswer !== undefined ? field("verified answer", verdict.verifiedAnswer) : []),
      ...field("reason", verdict.reason),
      ...(verdict.flags.length > 0 ? field("flags", verdict.flags.join(", ")) : []),
    ),
    rubric.length > 0 &&
      table(
        ["criterion", "score"],
        rubric.map(([name, score]) => [name, score]),
      ),
    el("h4", {}, `Tool calls of the blind derivation (${verdict.evidence.length})`),
    verdict.evidence.length > 0
      ? el("ol", { class: "evidence" }, ...verdict.evidence.map(evidenceItem))
      : el("p", { class: "muted" }, "The Judge called no tools."),
  );
}

function noveltyFields(novelty: NoveltyReport): HTMLElement[] {
  return [
    ...field("max similarity", similarity(novelty.maxSimilarity), ` (${novelty.source.replace(/_/g, " ")})`),
    ...(novelty.nearestId !== undefined ? field("nearest neighbour", novelty.nearestId) : []),
    ...(novelty.nearestText !== undefined ? field("its text", prose(novelty.nearestText)) : []),
  ];
}

function curatorSection(round: RoundDetail): HTMLElement {
  const { decision, novelty } = round;
  return el(
    "section",
    { class: "detail-part", "data-testid": "round-decision" },
    el("h3", {}, "Curator decision"),
    el(
      "dl",
      {},
      ...(decision
        ? [
            ...field(
              "status",
              decision.status,
              decision.reasonCode && ` (${decision.reasonCode.replace(/_/g, " ")})`,
            ),
            ...field("closed by", decision.stage),
            ...field("reason", decision.reason),
          ]
        : field("status", "not decided yet")),
      ...(novelty ? noveltyFields(novelty) : []),
    ),
  );
}

/**
 * One round in full: question and reference solution, the Defender's answer, the verdict, the decision;
 * `review` (the review pane) comes first, where a reviewer acts.
 */
export function roundDetailPanel(round: RoundDetail, review?: HTMLElement): HTMLElement {
  const { spec } = round;
  return panel(
    `Round #${spec.seq}`,
    { testId: "round-detail" },
    el(
      "p",
      { class: "muted" },
      `${spec.roundId} · ${spec.domain}/${spec.skill} · complexity ${spec.complexity} · ${spec.attacker} attacks ${spec.defender} · judge ${spec.judge} · stages: ${round.stages.join(" → ")}`,
    ),
    review,
    round.question
      ? questionSection({ ...round.question, ...round.review?.edits }, Object.keys(round.review?.edits ?? {}))
      : el("p", { class: "muted" }, "No question yet."),
    round.answer &&
      el(
        "section",
        { class: "detail-part" },
        el("h3", {}, "Defender answer"),
        el("dl", {}, ...field("final answer", round.answer.finalAnswer)),
        prose(round.answer.reasoning),
      ),
    round.verdict && verdictSection(round.verdict),
    curatorSection(round),
  );
}
