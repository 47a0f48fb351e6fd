import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseBenchmarkLine } from "../eval/benchmark-formats.ts";
import { defaultBenchmarksDir, type LineProblem, resolveBenchmark } from "../eval/benchmarks.ts";
import { ConfigError } from "../protocol/errors.ts";

/**
 * Benchmark questions to keep out of the dataset, read with the evaluation's line parser (GSM-style
 * `{input, target}` and medagents-style `{question, options, answer_idx}`), each with its file and line so a
 * rejection can point at the item it resembles. Malformed lines are reported, never fatal.
 */

export interface BenchmarkQuestion {
  /** The benchmark as configured: a name (gsm8k) or a path. */
  file: string;
  /** 1-based line number. */
  line: number;
  text: string;
}

export interface BenchmarkFile {
  file: string;
  /** sha256 of the file's bytes: the key of its cached vectors. */
  sha256: string;
  questions: BenchmarkQuestion[];
  problems: LineProblem[];
}

/** Loads one benchmark, given as a known name (gsm8k, medqa, ...) or the path of a JSONL file. */
export async function loadBenchmarkFile(
  ref: string,
  benchmarksDir = defaultBenchmarksDir(),
): Promise<BenchmarkFile> {
  const { file: path } = resolveBenchmark(ref, benchmarksDir);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ConfigError(
      `curation.decontamination.benchmarks: cannot read "${ref}" (${(err as Error).message}); give a benchmark name ` +
        "or the path of a JSONL file",
      { cause: err },
    );
  }
  const questions: BenchmarkQuestion[] = [];
  const problems: LineProblem[] = [];
  bytes
    .toString("utf8")
    .split(/\r?\n/)
    .forEach((text, index) => {
      if (text.trim() === "") return;
      const parsed = parseBenchmarkLine(text, index + 1);
      if (parsed.ok) questions.push({ file: ref, line: index + 1, text: parsed.item.question });
      else problems.push({ file: ref, line: index + 1, reason: parsed.reason });
    });
  return { file: ref, sha256: createHash("sha256").update(bytes).digest("hex"), questions, problems };
}
