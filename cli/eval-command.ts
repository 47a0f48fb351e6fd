import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "commander";
import { DEFAULT_RESPONSE_CACHE_DIR } from "../config/response-cache-config.ts";
import { formatLineProblem } from "../eval/benchmarks.ts";
import {
  compareEvaluations,
  DEFAULT_ALPHA,
  type LabelledEvaluation,
  renderComparison,
  renderCompute,
} from "../eval/compare.ts";
import { createEvalModel } from "../eval/eval-model.ts";
import { type EvalSummary, loadEvaluation } from "../eval/results.ts";
import { type BenchmarkRun, runBenchmark } from "../eval/run-benchmark.ts";
import { ResponseCache } from "../llm/response-cache.ts";
import { createLogger } from "../log/logger.ts";
import { ConfigError } from "../protocol/errors.ts";
import { type ProgressBar, progressBar } from "../terminal/progress-bar.ts";
import { untilInterrupted } from "../terminal/signals.ts";
import { readTrainingCompute } from "../trainer/train-run.ts";
import { integer, nonNegativeNumber, positiveInteger } from "./arguments.ts";

interface EvalFlags {
  model: string;
  baseUrl: string;
  apiKeyEnv?: string;
  benchmark: string[];
  benchmarksDir?: string;
  concurrency: number;
  limit?: number;
  sample?: number;
  seed?: number;
  label?: string;
  trainedBy?: string;
  temperature: number;
  maxTokens?: number;
  out: string;
  /** false with --no-cache. */
  cache: boolean;
  cacheDir: string;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

/** The closing line of one benchmark: accuracy with its interval, items, tokens billed, what the cache saved. */
export function summaryLine(summary: EvalSummary, summaryFile: string): string {
  const { benchmark, accuracy, correct, n, ci95, errors, usage } = summary;
  const failed = errors > 0 ? `, ${errors} failed calls counted wrong` : "";
  const spent = usage
    ? ` · ${n} items · ${usage.promptTokens + usage.completionTokens} tokens billed · ` +
      `cache: ${usage.cachedItems} hits, ${usage.savedTokens} tokens saved`
    : ` · ${n} items`;
  return `${benchmark}: ${percent(accuracy)} (${correct}/${n}${failed}), 95% CI [${percent(ci95.low)}, ${percent(ci95.high)}]${spent} -> ${summaryFile}`;
}

/** The bar's detail: the accuracy so far and how many answers came from the cache. */
function runningDetail(correct: number, finished: number, cached: number): string {
  const accuracy = finished === 0 ? "-" : percent(correct / finished);
  return cached > 0 ? `acc ${accuracy} · ${cached} cached` : `acc ${accuracy}`;
}

/** `nanoflux eval`: accuracy of one model on benchmarks, with 95% Wilson intervals and per-item results. */
export function evalCommand(): Command {
  return new Command("eval")
    .description("evaluate a model on benchmarks: accuracy with a 95% confidence interval, per-item results")
    .requiredOption("--model <name>", "model name at the endpoint (a fine-tune's ft:... name works too)")
    .option("--base-url <url>", "OpenAI-compatible endpoint", process.env.OPENAI_BASE_URL ?? DEFAULT_BASE_URL)
    .option("--api-key-env <var>", "environment variable holding the API key (none: no key is sent)")
    .requiredOption(
      "--benchmark <names...>",
      "gsmhard, gsm8k, medqa, medmcqa, pubmedqa, mmlu, or .jsonl files",
    )
    .option(
      "--benchmarks-dir <dir>",
      "folder of the named benchmarks (default: $NANOFLUX_BENCHMARKS_DIR or ../shared/benchmarks)",
    )
    .option("--concurrency <n>", "items in flight at once", positiveInteger, 8)
    .option("--limit <n>", "evaluate only the first n items", positiveInteger)
    .option("--sample <n>", "evaluate a seeded random sample of n items", positiveInteger)
    .option("--seed <n>", "seed of --sample", integer)
    .option("--label <name>", "column heading in `nanoflux compare` (default: the model name)")
    .option(
      "--trained-by <runDir>",
      "the run folder whose `nanoflux train` made this model: its compute goes into the results",
    )
    .option("--temperature <t>", "sampling temperature", nonNegativeNumber, 0)
    .option("--max-tokens <n>", "completion token limit per item", positiveInteger)
    .option("--out <dir>", "folder for the result files", "evals")
    .option(
      "--cache-dir <dir>",
      "response cache: answers already paid for, reused for the same request",
      DEFAULT_RESPONSE_CACHE_DIR,
    )
    .option("--no-cache", "ask the model every item afresh; read and write no response cache")
    .action(async (flags: EvalFlags) => {
      const logger = createLogger();
      const cache = flags.cache ? new ResponseCache({ dir: flags.cacheDir, logger }) : undefined;
      const model = createEvalModel(flags, { env: process.env, logger, ...(cache ? { cache } : {}) });
      const training = flags.trainedBy ? await readTrainingCompute(flags.trainedBy) : undefined;
      if (flags.trainedBy && !training)
        throw new ConfigError(
          `--trained-by ${flags.trainedBy}: no training/compute.json there; give the run folder \`nanoflux train\` fine-tuned`,
        );
      await untilInterrupted(async (signal) => {
        for (const benchmark of flags.benchmark) {
          let bar: ProgressBar | undefined;
          let correct = 0;
          let cached = 0;
          let run: BenchmarkRun;
          try {
            run = await runBenchmark(model, {
              benchmark,
              benchmarksDir: flags.benchmarksDir,
              selection: { limit: flags.limit, sample: flags.sample, seed: flags.seed },
              concurrency: flags.concurrency,
              label: flags.label ?? flags.model,
              model: flags.model,
              baseUrl: flags.baseUrl,
              outDir: flags.out,
              ...(training ? { training } : {}),
              signal,
              onProblem: (problem) => logger.warn(`skipped malformed line ${formatLineProblem(problem)}`),
              onStart: (total) => {
                bar = progressBar({ label: benchmark, total, unit: "items" });
              },
              onProgress: (finished, _, result) => {
                if (result.correct) correct += 1;
                if (result.cached) cached += 1;
                bar?.update(finished, runningDetail(correct, finished, cached));
              },
            });
          } finally {
            bar?.stop();
          }
          process.stdout.write(`${summaryLine(run.summary, run.summaryFile)}\n`);
        }
      });
    });
}

/**
 * `label=path` or `path`, in the order given; a folder stands for every *.summary.json in it, in order of file
 * name (`<label>.<benchmark>.summary.json`: by label). compare's default baseline rests on this order.
 */
async function loadResultArguments(args: readonly string[]): Promise<LabelledEvaluation[]> {
  const loaded: LabelledEvaluation[] = [];
  for (const arg of args) {
    const split = arg.indexOf("=");
    const label = split > 0 ? arg.slice(0, split) : undefined;
    const path = split > 0 ? arg.slice(split + 1) : arg;
    const files = (await stat(path)
      .then((s) => s.isDirectory())
      .catch(() => false))
      ? (await readdir(path))
          .filter((name) => name.endsWith(".summary.json"))
          .sort()
          .map((name) => join(path, name))
      : [path];
    if (files.length === 0)
      throw new ConfigError(`${path} holds no *.summary.json: give files written by nanoflux eval`);
    for (const file of files) {
      const evaluation = await loadEvaluation(file);
      loaded.push({ label: label ?? evaluation.summary.label, evaluation });
    }
  }
  return loaded;
}

/** `nanoflux compare`: the paper-style table of accuracies and their significant differences. */
export function compareCommand(): Command {
  return new Command("compare")
    .description(
      "compare evaluation results: rows are benchmarks, columns the labelled results, first column the baseline " +
        "(--base, else the first result given without a recorded fine-tune: the base model; a folder gives its " +
        "results by label)",
    )
    .argument("<results...>", "*.summary.json files or folders of them, optionally as label=path")
    .option("--alpha <p>", "significance level", nonNegativeNumber, DEFAULT_ALPHA)
    .option(
      "--base <label>",
      "the label every other result is compared with (default: the first result given without a recorded " +
        "fine-tune, else the first result given)",
    )
    .option(
      "--full <label>",
      "the full-benchmark fine-tune: print every fine-tune's compute ratio against it",
    )
    .action(async (args: string[], flags: { alpha: number; full?: string; base?: string }) => {
      const comparison = compareEvaluations(await loadResultArguments(args), flags.alpha, flags.base);
      process.stdout.write(`${renderComparison(comparison)}\n`);
      const compute = renderCompute(comparison, flags.full);
      if (compute) process.stdout.write(`\n${compute}\n`);
    });
}
