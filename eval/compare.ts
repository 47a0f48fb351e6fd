import { ConfigError } from "../protocol/errors.ts";
import type { TrainingCompute } from "../protocol/training.ts";
import { formatFlops } from "../terminal/numbers.ts";
import { renderTable } from "../terminal/table.ts";
import type { SavedEvaluation } from "./results.ts";
import { mcnemarTest, type TestResult, twoProportionZTest } from "./statistics.ts";

/**
 * The paper-style table: one row per benchmark, one column per labelled result (base, NanoFlux fine-tune,
 * full-benchmark fine-tune, ...), and each later column's difference from the baseline with its significance.
 *
 * The baseline is the label the caller names (`--base`); otherwise the base model: the first label given among
 * those that record no fine-tune (`eval --trained-by` records one), or the first label given when every one, or
 * none, records a fine-tune. "Given" is the order of the command line; a folder gives its results in order of
 * file name, `<label>.<benchmark>.summary.json`, so by label. Timestamps play no part: re-running a result
 * (a free re-run from the response cache, say) never changes the baseline. The baseline is the first column,
 * the others follow in the order given.
 */

export const DEFAULT_ALPHA = 0.05;

export interface LabelledEvaluation {
  label: string;
  evaluation: SavedEvaluation;
}

export interface Difference {
  label: string;
  /** Percentage points, this column minus the baseline. */
  deltaPp: number;
  test: TestResult;
  significant: boolean;
}

export interface ComparisonRow {
  benchmark: string;
  results: Map<string, SavedEvaluation>;
  differences: Difference[];
}

/** How the baseline was chosen, for the legend. */
export type BaselineChoice = "named" | "base model" | "first given";

export interface Comparison {
  /** The baseline first. */
  labels: string[];
  baselineChoice: BaselineChoice;
  rows: ComparisonRow[];
  alpha: number;
}

/** The label to compare against: `base` when given (it must be one of the labels), else the default above. */
export function chooseBaseline(
  labelled: readonly LabelledEvaluation[],
  base?: string,
): { baseline: string | undefined; choice: BaselineChoice } {
  // Labels in the order first given, and whether any of a label's results records a fine-tune.
  const fineTuned = new Map<string, boolean>();
  for (const { label, evaluation } of labelled)
    fineTuned.set(label, (fineTuned.get(label) ?? false) || evaluation.summary.training !== undefined);
  if (base !== undefined) {
    if (fineTuned.has(base)) return { baseline: base, choice: "named" };
    const known = [...fineTuned.keys()];
    throw new ConfigError(
      `--base ${base}: no result is labelled "${base}"; the labels here are ${known.length > 0 ? known.join(", ") : "(none)"}`,
    );
  }
  const all = [...fineTuned.keys()];
  const untuned = all.filter((label) => !fineTuned.get(label));
  const baseModel = untuned.length > 0 && untuned.length < all.length;
  return {
    baseline: baseModel ? untuned[0] : all[0],
    choice: baseModel ? "base model" : "first given",
  };
}

/** Correctness per item id, when every id occurs once. */
function correctnessById(evaluation: SavedEvaluation): Map<string, boolean> | undefined {
  const byId = new Map(evaluation.items.map((item) => [item.id, item.correct]));
  return byId.size === evaluation.items.length ? byId : undefined;
}

/** McNemar when both answered exactly the same items (paired), else the two-proportion z-test. */
export function differenceTest(baseline: SavedEvaluation, other: SavedEvaluation): TestResult {
  const first = correctnessById(baseline);
  const second = correctnessById(other);
  const paired =
    first &&
    second &&
    first.size > 0 &&
    first.size === second.size &&
    [...first.keys()].every((id) => second.has(id));
  if (!paired) {
    const { correct: k1, n: n1 } = baseline.summary;
    const { correct: k2, n: n2 } = other.summary;
    return twoProportionZTest(k1, n1, k2, n2);
  }
  let onlyFirst = 0;
  let onlySecond = 0;
  for (const [id, firstCorrect] of first) {
    const secondCorrect = second.get(id);
    if (firstCorrect && !secondCorrect) onlyFirst += 1;
    if (!firstCorrect && secondCorrect) onlySecond += 1;
  }
  return mcnemarTest(onlyFirst, onlySecond);
}

export function compareEvaluations(
  labelled: readonly LabelledEvaluation[],
  alpha = DEFAULT_ALPHA,
  base?: string,
): Comparison {
  const { baseline: baselineLabel, choice } = chooseBaseline(labelled, base);
  const given = [...new Set(labelled.map((entry) => entry.label))];
  const labels = [
    ...(baselineLabel === undefined ? [] : [baselineLabel]),
    ...given.filter((label) => label !== baselineLabel),
  ];
  const rows = new Map<string, ComparisonRow>();
  for (const { label, evaluation } of labelled) {
    const benchmark = evaluation.summary.benchmark;
    const row = rows.get(benchmark) ?? { benchmark, results: new Map(), differences: [] };
    if (row.results.has(label)) {
      throw new ConfigError(
        `two results are labelled "${label}" for benchmark ${benchmark}: name them apart with label=<file> arguments`,
      );
    }
    row.results.set(label, evaluation);
    rows.set(benchmark, row);
  }
  for (const row of rows.values()) {
    const baseline = baselineLabel === undefined ? undefined : row.results.get(baselineLabel);
    if (!baseline) continue;
    for (const label of labels.slice(1)) {
      const other = row.results.get(label);
      if (!other) continue;
      const test = differenceTest(baseline, other);
      const deltaPp = 100 * (other.summary.accuracy - baseline.summary.accuracy);
      row.differences.push({ label, deltaPp, test, significant: test.pValue < alpha });
    }
  }
  return { labels, baselineChoice: choice, rows: [...rows.values()], alpha };
}

const BASELINE_WHY: Record<BaselineChoice, string> = {
  named: "named by --base",
  "base model":
    "the first result given without a recorded fine-tune (a folder gives its results by label); choose another with --base",
  "first given": "the first result given (a folder gives its results by label); choose another with --base",
};

function percent(value: number): string {
  return (100 * value).toFixed(1);
}

function accuracyCell(evaluation: SavedEvaluation | undefined): string {
  if (!evaluation) return "-";
  const { accuracy, ci95, n } = evaluation.summary;
  return `${percent(accuracy)}% [${percent(ci95.low)}, ${percent(ci95.high)}] n=${n}`;
}

function differenceCell(difference: Difference | undefined): string {
  if (!difference) return "-";
  const sign = difference.deltaPp >= 0 ? "+" : "";
  const test = difference.test.test === "mcnemar" ? "McNemar" : "z";
  const pValue = difference.test.pValue < 0.001 ? "<0.001" : difference.test.pValue.toFixed(3);
  return `${sign}${difference.deltaPp.toFixed(1)} pp (p=${pValue}, ${test})${difference.significant ? " *" : ""}`;
}

export function renderComparison(comparison: Comparison): string {
  const [baseline, ...others] = comparison.labels;
  const headers = ["benchmark", ...comparison.labels, ...others.map((label) => `${label} vs ${baseline}`)];
  const rows = comparison.rows.map((row) => [
    row.benchmark,
    ...comparison.labels.map((label) => accuracyCell(row.results.get(label))),
    ...others.map((label) => differenceCell(row.differences.find((d) => d.label === label))),
  ]);
  const legend =
    `accuracy with 95% Wilson interval; * = significant at alpha ${comparison.alpha} ` +
    "(McNemar when both answered the same items, else two-proportion z-test)";
  if (baseline === undefined) return `${renderTable(headers, rows)}\n\n${legend}`;
  return `${renderTable(headers, rows)}\n\n${legend}\nbaseline: ${baseline} (${BASELINE_WHY[comparison.baselineChoice]})`;
}

/**
 * What each labelled result's fine-tune cost, and how many times less than `full`'s (the full-benchmark
 * fine-tune): the compute ratio behind the paper's 3-14x. Empty when no result records its fine-tune.
 */
export function renderCompute(comparison: Comparison, full: string | undefined): string {
  const training = new Map<string, TrainingCompute>();
  for (const row of comparison.rows)
    for (const [label, evaluation] of row.results)
      if (evaluation.summary.training && !training.has(label))
        training.set(label, evaluation.summary.training);
  if (training.size === 0) return "";
  const baseline = full === undefined ? undefined : training.get(full);
  if (full !== undefined && !baseline)
    throw new ConfigError(
      `--full ${full}: no result labelled ${full} records its fine-tune (evaluate it with --trained-by)`,
    );
  const rows = [...training].map(([label, compute]) => {
    const ratio =
      baseline && label !== full && compute.trainedTokens > 0 && compute.flops !== 0
        ? baseline.flops !== undefined && compute.flops !== undefined
          ? baseline.flops / compute.flops
          : baseline.trainedTokens / compute.trainedTokens
        : undefined;
    return [
      label,
      `${compute.trainedTokens}${compute.tokensEstimated ? " (est.)" : ""}`,
      formatFlops(compute.flops),
      ratio === undefined ? (label === full ? "baseline" : "-") : `${ratio.toFixed(1)}x less`,
    ];
  });
  return renderTable(["fine-tune", "tokens trained", "FLOPs", `compute vs ${full ?? "full"}`], rows);
}
