import { API, type Kappa, type RunSnapshot, type Session } from "../../wire.ts";
import { el, panel, table } from "../dom.ts";
import { percent } from "../format.ts";

/** How far to trust the Judge, and what review has made of the kept samples so far. */

function kappa(value: Kappa): string {
  if (value.n === 0) return "–";
  if (value.kappa === null) return `n=${value.n}, undefined (one class only)`;
  const interval = value.ci95 ? ` [${value.ci95[0].toFixed(2)}, ${value.ci95[1].toFixed(2)}]` : "";
  return `${value.kappa.toFixed(2)}${interval}`;
}

function agreementRows(run: RunSnapshot) {
  const { agreement } = run;
  const everyone = agreement.reviewers.length > 1 ? [{ reviewer: "everyone", ...agreement }] : [];
  return [...agreement.reviewers, ...everyone].map((row) => [
    row.reviewer,
    row.validity.n,
    percent(row.validity.observed),
    kappa(row.validity),
    row.level.n,
    kappa(row.level),
  ]);
}

/** Kept across redraws: a live run's panel is rebuilt every second. */
let chosenFormat: string | undefined;

/** A format and a link that downloads the export, reviewers' decisions applied, as a zip. */
function downloadControls(run: RunSnapshot, formats: readonly string[]): HTMLElement {
  if (!run.exportable)
    return el(
      "p",
      { class: "muted" },
      "The run folder is not on this dashboard's host: export with `nanoflux export` where it is.",
    );
  const format = el(
    "select",
    { "data-testid": "export-format", "aria-label": "export format" },
    ...formats.map((value) => el("option", { value }, value)),
  );
  const href = (name: string) => `${API.export(run.runId)}?${new URLSearchParams({ format: name })}`;
  const initial = chosenFormat && formats.includes(chosenFormat) ? chosenFormat : (formats[0] ?? "parquet");
  format.value = initial;
  const link = el(
    "a",
    { class: "button", "data-testid": "export-download", href: href(initial), download: "" },
    "Download export",
  );
  format.addEventListener("change", () => {
    chosenFormat = format.value;
    link.setAttribute("href", href(format.value));
  });
  return el("div", { class: "review-actions" }, format, link);
}

export function reviewSummaryPanel(run: RunSnapshot, session: Session | undefined): HTMLElement {
  const { reviews } = run;
  const rows = agreementRows(run);
  return panel(
    "Human review",
    { testId: "review-summary", wide: true },
    el(
      "p",
      { "data-testid": "review-counts" },
      `${reviews.approved} approved · ${reviews.edited} edited · ${reviews.rejected} rejected (left out of the export) · ${reviews.unreviewed} not reviewed`,
      reviews.reviewers.length > 0 && ` · reviewers: ${reviews.reviewers.join(", ")}`,
    ),
    rows.length > 0
      ? table(
          [
            "reviewer vs Judge",
            "validity pairs",
            "agree",
            "validity κ [95% CI]",
            "level pairs",
            "level κw [95% CI]",
          ],
          rows,
          {
            "data-testid": "agreement",
          },
        )
      : el(
          "p",
          { class: "muted" },
          "No reviewer has judged a round yet: agreement with the Judge appears here.",
        ),
    el(
      "p",
      { class: "muted" },
      "κ: Cohen's kappa (1 agrees fully, 0 no better than chance); κw weighs level disagreements by their distance. Intervals: bootstrap.",
    ),
    downloadControls(run, session?.exportFormats ?? ["parquet"]),
  );
}
