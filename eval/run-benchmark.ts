import type { TextModel } from "../llm/chat-model.ts";
import { SystemError } from "../protocol/errors.ts";
import type { TrainingCompute } from "../protocol/training.ts";
import { type LineProblem, loadBenchmark } from "./benchmarks.ts";
import { type EvalSummary, type ItemResult, saveEvaluation, usageOf } from "./results.ts";
import { accuracyOf, evaluateItems } from "./runner.ts";
import { type Selection, selectItems } from "./selection.ts";

export interface BenchmarkRunOptions {
  /** Benchmark name (gsm8k, medqa, ...) or JSONL path. */
  benchmark: string;
  benchmarksDir?: string;
  selection: Selection;
  concurrency: number;
  /** Column heading in comparisons; also names the result files. */
  label: string;
  /** Model name and endpoint, recorded in the summary (the endpoint without credentials or query). */
  model: string;
  baseUrl: string;
  outDir: string;
  /** The fine-tune that made the model, recorded in the summary. */
  training?: TrainingCompute;
  signal?: AbortSignal;
  onProblem?(problem: LineProblem): void;
  /** Called once the items are chosen, before the first is asked. */
  onStart?(total: number): void;
  /** Called as each item finishes, in completion order. */
  onProgress?(finished: number, total: number, result: ItemResult): void;
}

export interface BenchmarkRun {
  summary: EvalSummary;
  summaryFile: string;
  items: ItemResult[];
}

/** Loads a benchmark, evaluates the selected items, and writes the per-item results and the summary. */
export async function runBenchmark(model: TextModel, options: BenchmarkRunOptions): Promise<BenchmarkRun> {
  const benchmark = await loadBenchmark(options.benchmark, options.benchmarksDir);
  for (const problem of benchmark.problems) options.onProblem?.(problem);
  const selected = selectItems(benchmark.items, options.selection);
  const startedAt = new Date();
  options.onStart?.(selected.length);
  const items = await evaluateItems(model, selected, {
    concurrency: options.concurrency,
    signal: options.signal,
    onResult: (result, finished) => options.onProgress?.(finished, selected.length, result),
  });
  const accuracy = accuracyOf(items);
  if (accuracy.n > 0 && accuracy.errors === accuracy.n) {
    throw new SystemError(
      `every ${benchmark.name} item failed, so there is no accuracy to report; the first failure: ${items[0]?.error}`,
    );
  }
  const draft = {
    type: "eval.summary.v1" as const,
    label: options.label,
    model: options.model,
    baseUrl: options.baseUrl,
    benchmark: benchmark.name,
    file: benchmark.file,
    selection: options.selection,
    ...accuracy,
    skippedLines: benchmark.problems.length,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    ...(options.training ? { training: options.training } : {}),
    usage: usageOf(items),
  };
  const { summary, summaryFile } = await saveEvaluation(options.outDir, draft, items);
  return { summary, summaryFile, items };
}
