import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../protocol/errors.ts";
import { type BenchmarkItem, parseBenchmarkLine } from "./benchmark-formats.ts";

/** The paper's benchmarks by name, as files in the benchmarks folder. */
export const BENCHMARK_FILES = {
  gsmhard: "gsmhard.jsonl",
  gsm8k: "gsm8k-test.jsonl",
  medqa: "medqa.jsonl",
  medmcqa: "medmcqa.jsonl",
  pubmedqa: "pubmedqa.jsonl",
  mmlu: "mmlu.jsonl",
} as const;

export const BENCHMARKS_DIR_ENV = "NANOFLUX_BENCHMARKS_DIR";

/** `../shared/benchmarks` beside the repository, unless the environment names another folder. */
export function defaultBenchmarksDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[BENCHMARKS_DIR_ENV] || fileURLToPath(new URL("../../shared/benchmarks/", import.meta.url));
}

export interface LineProblem {
  file: string;
  line: number;
  reason: string;
}

export interface LoadedBenchmark {
  /** The benchmark's name (gsm8k, ...), or the file name without .jsonl for other files. */
  name: string;
  file: string;
  items: BenchmarkItem[];
  /** Malformed lines, skipped. */
  problems: LineProblem[];
}

function isKnownName(ref: string): ref is keyof typeof BENCHMARK_FILES {
  return Object.hasOwn(BENCHMARK_FILES, ref);
}

/** A benchmark name or a JSONL path -> its name and file. */
export function resolveBenchmark(ref: string, benchmarksDir: string): { name: string; file: string } {
  if (isKnownName(ref)) return { name: ref, file: resolve(benchmarksDir, BENCHMARK_FILES[ref]) };
  if (ref.endsWith(".jsonl")) return { name: basename(ref, ".jsonl"), file: resolve(ref) };
  throw new ConfigError(
    `unknown benchmark "${ref}": use one of ${Object.keys(BENCHMARK_FILES).join(", ")} or the path of a .jsonl file`,
  );
}

/** Parses benchmark JSONL text; blank lines are ignored, malformed ones reported with their line number. */
export function parseBenchmarkText(text: string, file: string): Pick<LoadedBenchmark, "items" | "problems"> {
  const items: BenchmarkItem[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const parsed = parseBenchmarkLine(line, index + 1);
    if (parsed.ok) items.push(parsed.item);
    else problems.push({ file, line: index + 1, reason: parsed.reason });
  });
  return { items, problems };
}

export async function loadBenchmark(
  ref: string,
  benchmarksDir = defaultBenchmarksDir(),
): Promise<LoadedBenchmark> {
  const { name, file } = resolveBenchmark(ref, benchmarksDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `benchmark ${name}: cannot read ${file} (${(err as Error).message}); check the path, --benchmarks-dir or ${BENCHMARKS_DIR_ENV}`,
      { cause: err },
    );
  }
  const parsed = parseBenchmarkText(text, file);
  if (parsed.items.length === 0) {
    throw new ConfigError(
      `benchmark ${name}: ${file} holds no valid item (${parsed.problems.length} malformed lines)`,
    );
  }
  return { name, file, ...parsed };
}

export function formatLineProblem(problem: LineProblem): string {
  return `${problem.file}:${problem.line}: ${problem.reason}`;
}
