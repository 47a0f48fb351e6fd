import type { ReviewOutcome } from "./export-reviews.ts";
import { code, oneLine, table } from "./markdown.ts";
import type { ExportedConfig } from "./owned-files.ts";
import { REVIEW_STATUS_COLUMN } from "./records.ts";

/**
 * The card's "Human review" section: what reviewers decided and what the export did with it, or that no
 * reviews were read, or that they were ignored on request. It says plainly what no Judge saw: an edit.
 */

/** Which configs say per row what review made of the sample, from the features each was written with. */
function provenanceText(configs: readonly ExportedConfig[]): string {
  const carrying = configs.filter((c) => c.features.some((f) => f.name === REVIEW_STATUS_COLUMN));
  if (carrying.length === 0)
    return "No config here says per sample what review made of it: export `--format parquet` for `review_status`, `reviewers`, `edited_fields` and the original values of edited columns.";
  const others =
    carrying.length < configs.length
      ? " The other configs hold the samples, edits in, without these columns."
      : "";
  return (
    `In ${carrying.map((c) => code(c.format)).join(" and ")}, \`review_status\` (\`approved\`, \`edited\`, or null when nobody ` +
    "reviewed the sample), `reviewers` and `edited_fields` say what review made of each sample, and `original_question`, " +
    `\`original_reference_answer\` and \`original_solution_steps\` hold each edited column as the run made it.${others}`
  );
}

function editsNote(edited: number, answerEdits: number): string {
  const answers =
    answerEdits === 0
      ? "No edit changed a reference answer: every final answer is one the Judge verified."
      : answerEdits === 1
        ? `1 of the ${edited} edited samples has a reference answer a reviewer changed: its final answer is the reviewer's, and no Judge verified it.`
        : `${answerEdits} of the ${edited} edited samples have reference answers a reviewer changed: their final answers are the reviewers', and no Judge verified them.`;
  return [
    "> **Edits were not re-judged.** The Judge verified and graded each sample before any edit: an edited sample's",
    `> level, score and rubric are of the version the run made. ${answers}`,
  ].join("\n");
}

export function reviewSection(outcome: ReviewOutcome, configs: readonly ExportedConfig[]): string {
  const heading = "## Human review\n\n";
  if (outcome.state === "unread")
    return `${heading}No human reviews were read for this export: the samples are as the run kept them, and no decision a reviewer made in the dashboard is applied.`;
  if (outcome.state === "ignored")
    return `${heading}Human reviews were ignored on request (\`--no-reviews\`): the samples are as the run kept them, whatever reviewers decided.`;
  const { counts, answerEdits } = outcome;
  const source = oneLine(outcome.source);
  if (counts.approved + counts.rejected + counts.edited === 0)
    return `${heading}No sample of this run was reviewed (reviews read from ${source}): the samples are as the run kept them.`;
  return [
    "## Human review",
    "",
    "People reviewed the run's samples in NanoFlux's dashboard, approving, rejecting (with a reason) or editing them " +
      `(the question, the reference answer, the solution steps); this export applied their decisions, read from ${source}.`,
    "",
    table(
      ["decision", "samples", "in this dataset"],
      [
        ["approved", counts.approved, "yes"],
        ["edited", counts.edited, "yes, with the edits in"],
        ["rejected", counts.rejected, "no: left out"],
        ["not reviewed", counts.unreviewed, "yes"],
      ],
    ),
    "",
    `Reviewers: ${counts.reviewers.join(", ")}.`,
    "",
    provenanceText(configs),
    ...(counts.edited > 0 ? ["", editsNote(counts.edited, answerEdits)] : []),
  ].join("\n");
}
