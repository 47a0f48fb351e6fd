import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { DecontaminationReport, UsageRow } from "../../protocol/run-report.ts";
import type { Sample } from "../../protocol/schemas.ts";

/**
 * The dataset card (README.md, with Hugging Face front matter): what is in the dataset, how novel it is, what
 * was kept out, and what it cost. Counts come from the samples; the rest from the run's report.json.
 */

/** What the card needs beyond the samples; the run report (report.json) has this shape, extra keys ignored. */
export const DatasetCardInput = z.object({
  title: z.string().optional(),
  runId: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
  target: z.number().int().positive().optional(),
  rounds: z.number().int().nonnegative().optional(),
  /** Reason code -> rounds that ended without a sample. */
  byReason: z.record(z.string(), z.number().int().nonnegative()).default({}),
  usage: z.array(UsageRow).default([]),
  totalTokens: z.number().int().nonnegative().optional(),
  totalCostUsd: z.number().nonnegative().nullish(),
  noveltyThreshold: z.number().optional(),
  decontamination: DecontaminationReport.optional(),
});
export type DatasetCardInput = z.infer<typeof DatasetCardInput>;

function cell(value: string | number): string {
  return String(value).replace(/\|/g, "\\|").replace(/\s+/g, " ");
}

function table(headers: string[], rows: (string | number)[][]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

function countBy(samples: readonly Sample[], key: (s: Sample) => string | number): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(String(key(s)), (counts.get(String(key(s))) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b, undefined, { numeric: true }));
}

function share(count: number, total: number): string {
  return total === 0 ? "0%" : `${((100 * count) / total).toFixed(1)}%`;
}

function countTable(title: string, samples: readonly Sample[], key: (s: Sample) => string | number): string {
  return `### By ${title}\n\n${table(
    [title, "samples", "share"],
    countBy(samples, key).map(([k, n]) => [k, n, share(n, samples.length)]),
  )}`;
}

function sizeCategory(n: number): string {
  if (n < 1_000) return "n<1K";
  if (n < 10_000) return "1K<n<10K";
  return n < 100_000 ? "10K<n<100K" : "100K<n<1M";
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Nearest-neighbour similarity of each kept question when it was accepted, in tenths. */
function noveltySection(samples: readonly Sample[], threshold: number | undefined): string {
  const bins = Array.from({ length: 10 }, () => 0);
  for (const s of samples) {
    const bin = Math.min(9, Math.max(0, Math.floor(s.novelty.maxSimilarity * 10)));
    bins[bin] = (bins[bin] as number) + 1;
  }
  const widest = Math.max(1, ...bins);
  const rows = bins.map((n, i) => [
    `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`,
    n,
    "█".repeat(Math.round((20 * n) / widest)),
  ]);
  const limit =
    threshold === undefined ? "" : ` Questions at or above ${threshold} were rejected as duplicates.`;
  return [
    "## Novelty",
    "",
    `Highest cosine similarity of each kept question to the questions kept before it (and to those in flight).${limit}`,
    "",
    table(["similarity", "samples", ""], rows),
  ].join("\n");
}

function decontaminationSection(report: DecontaminationReport | undefined): string {
  if (!report) return "## Decontamination\n\nNo decontamination report was recorded for this run.";
  if (report.benchmarks.length === 0)
    return "## Decontamination\n\nNo benchmarks were configured: the questions were not checked against evaluation sets.";
  const examples = report.rejections
    .slice(0, 10)
    .map((r) => [
      truncate(r.text, 100),
      r.nearest ? `${r.nearest.file}:${r.nearest.line}` : "",
      r.similarity.toFixed(3),
      r.ngramOverlap.toFixed(2),
    ]);
  return [
    "## Decontamination",
    "",
    `Every question was compared with these benchmarks; one was rejected when its embedding similarity reached ${report.similarityThreshold} ` +
      `or it shared ${report.ngramOverlap * 100}% of its ${report.ngramSize}-word n-grams (numbers normalised) with a benchmark item.`,
    "",
    table(
      ["benchmark", "items", "malformed lines"],
      report.benchmarks.map((b) => [b.file, b.items, b.malformedLines]),
    ),
    "",
    `Checked ${report.checked} questions; rejected ${report.rejected} (${share(report.rejected, report.checked)}).`,
    ...(examples.length > 0
      ? ["", table(["rejected question", "nearest benchmark item", "similarity", "n-gram overlap"], examples)]
      : []),
  ].join("\n");
}

function costSection(samples: readonly Sample[], input: DatasetCardInput): string {
  const roles = (["attacker", "defender", "judge"] as const).map((role) => [
    role,
    countBy(samples, (s) => s[role])
      .map(([m, n]) => `${m} (${n})`)
      .join(", "),
  ]);
  const usage = input.usage.map((u) => [
    u.model,
    u.role,
    u.calls,
    u.promptTokens,
    u.completionTokens,
    u.costUsd == null ? "–" : `$${u.costUsd.toFixed(4)}`,
  ]);
  const total =
    input.totalCostUsd == null ? "unknown (no prices configured)" : `$${input.totalCostUsd.toFixed(4)}`;
  return [
    "## Models and cost",
    "",
    table(["role", "models (kept samples)"], roles),
    ...(usage.length > 0
      ? ["", table(["model", "role", "calls", "prompt tokens", "completion tokens", "cost"], usage)]
      : []),
    "",
    `Total tokens: ${input.totalTokens ?? "unknown"}; total cost: ${total}.`,
  ].join("\n");
}

function curationSection(samples: readonly Sample[], input: DatasetCardInput): string {
  const rejected = Object.entries(input.byReason).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const rounds = input.rounds === undefined ? "" : ` out of ${input.rounds} rounds`;
  return [
    "## Curation",
    "",
    `Kept ${samples.length} samples${rounds}${input.target ? ` (target ${input.target})` : ""}.`,
    ...(rejected.length > 0 ? ["", table(["rejection reason", "rounds"], rejected)] : []),
  ].join("\n");
}

export function renderDatasetCard(samples: readonly Sample[], input: DatasetCardInput): string {
  const title = input.title ?? `NanoFlux dataset${input.runId ? ` ${input.runId}` : ""}`;
  const domains = countBy(samples, (s) => s.domain).map(([d]) => d);
  return [
    "---",
    "language:\n- en",
    "task_categories:\n- question-answering\n- text-generation",
    `size_categories:\n- ${sizeCategory(samples.length)}`,
    "tags:\n- reasoning\n- synthetic\n- nanoflux",
    "---",
    "",
    `# ${title}`,
    "",
    `${samples.length} multi-step reasoning problems (${domains.join(", ") || "no domains"}), each with a step-by-step solution and ` +
      "a verified final answer, made by NanoFlux: an Attacker model wrote each question, a Defender answered it, and a " +
      "tool-using Judge checked it and graded its reasoning (L1–L5). Files: `dataset.*.jsonl` (chat, ShareGPT, Alpaca " +
      "or full records) and `dataset.parquet` (`prompt` / `completion` columns).",
    "",
    "## Contents",
    "",
    countTable("level", samples, (s) => s.verdict.level),
    "",
    countTable("outcome", samples, (s) => s.verdict.outcome),
    "",
    countTable("complexity", samples, (s) => s.complexity),
    "",
    countTable("domain", samples, (s) => s.domain),
    "",
    countTable("skill", samples, (s) => s.skill),
    "",
    noveltySection(samples, input.noveltyThreshold),
    "",
    decontaminationSection(input.decontamination),
    "",
    curationSection(samples, input),
    "",
    costSection(samples, input),
    "",
  ].join("\n");
}

/** The card's file name, beside the exported dataset. */
export const CARD_FILE = "README.md";

/** Writes `<dir>/README.md`; returns its path. */
export async function writeDatasetCard(
  dir: string,
  input: { samples: readonly Sample[]; report?: DatasetCardInput },
): Promise<string> {
  const path = join(dir, CARD_FILE);
  await writeFileAtomic(path, renderDatasetCard(input.samples, input.report ?? DatasetCardInput.parse({})));
  return path;
}
