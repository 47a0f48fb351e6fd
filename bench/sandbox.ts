/**
 * Cost of one Python sandbox call, as the Judge's python tool pays it. Per trial, on one fresh sandbox
 * (warmed up first): `calls` small snippets one at a time, each once the sandbox is warm again (as a Judge's
 * calls, seconds apart, find it: `paced`); `calls` more back to back (`sequential`); `calls` more
 * `concurrency` at a time (`concurrent`); then one innocent snippet submitted together with `runaways`
 * endless loops (1 s limit each). Figures: wall ms per call from submission to result (median, p95), CPU ms
 * per call (the whole process: host, workers and their start-up, the re-warming of `paced` included) and the
 * innocent call's wall ms beside the runaways.
 *
 * `--baseline` measures, in alternating trials, the implementation as of PRE_ISOLATION_COMMIT too (one
 * reused interpreter, calls queued one at a time), copied from git into a temporary folder in the repository.
 *
 *   node bin/run-ts.mjs bench/sandbox.ts [--calls 40] [--concurrency 4] [--runaways 2] [--trials 3] [--baseline]
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type PythonResult, type PythonRunOptions, PythonSandbox } from "../tools/python/python-sandbox.ts";
import { flags, isMain, printJson } from "./support/cli.ts";
import { median } from "./support/rates.ts";
import { alternateTrials, medianOf, type Trial } from "./support/trials.ts";

/** The last commit whose sandbox reused one interpreter for every call of a replica. */
export const PRE_ISOLATION_COMMIT = "203205ad9afb3e68c8658f8e7593446d023a30e5";

export interface SandboxBenchOptions {
  calls: number;
  concurrency: number;
  runaways: number;
  trials: number;
  baseline: boolean;
}

type Contender = "current" | "baseline";

export interface SandboxRun extends Trial<Contender> {
  warmUpMs: number;
  paced: CallFigures;
  sequential: CallFigures;
  concurrent: CallFigures;
  /** Wall ms of one innocent call submitted together with the runaways. */
  besideRunawaysMs: number;
  /** Every call printed its true result, and every runaway was reported as a timeout. */
  correct: boolean;
  /** Resident memory of the whole process after the concurrent calls. */
  rssMb: number;
}

export interface CallFigures {
  medianMs: number;
  p95Ms: number;
  /** Process CPU time (all threads) over the phase, per call. */
  cpuMsPerCall: number;
}

export interface SandboxBenchResult {
  options: SandboxBenchOptions;
  runs: SandboxRun[];
}

/** What both implementations offer. */
interface Sandbox {
  warmUp(): Promise<void>;
  run(code: string, options?: PythonRunOptions): Promise<PythonResult>;
  close(): Promise<void>;
}

type SandboxFactory = () => Sandbox;

// A Judge-sized check: exact arithmetic over a few hundred terms.
const SNIPPET = "from fractions import Fraction\nprint(sum(Fraction(1, n * (n + 1)) for n in range(1, 300)))";
const SNIPPET_OUTPUT = "299/300\n";
const RUNAWAY = "while True:\n    pass";
const RUNAWAY_LIMIT_MS = 1_000;
const SANDBOX_OPTIONS = { timeoutMs: 10_000, memoryMb: 256 };

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `calls` snippets, `width` at a time (after warming up again, if `paced`), and times each. */
async function timeCalls(sandbox: Sandbox, calls: number, width: number, paced = false) {
  const wallMs: number[] = [];
  let correct = true;
  const cpuBefore = cpuMs();
  for (let done = 0; done < calls; done += width) {
    if (paced) await sandbox.warmUp();
    const batch = Array.from({ length: Math.min(width, calls - done) }, async () => {
      const started = performance.now();
      const result = await sandbox.run(SNIPPET);
      wallMs.push(performance.now() - started);
      correct &&= result.stdout === SNIPPET_OUTPUT;
    });
    await Promise.all(batch);
  }
  const figures: CallFigures = {
    medianMs: median(wallMs),
    p95Ms: percentile(wallMs, 0.95),
    cpuMsPerCall: (cpuMs() - cpuBefore) / calls,
  };
  return { figures, correct };
}

async function besideRunaways(sandbox: Sandbox, runaways: number) {
  const loops = Array.from({ length: runaways }, () => sandbox.run(RUNAWAY, { timeoutMs: RUNAWAY_LIMIT_MS }));
  const started = performance.now();
  const innocent = await sandbox.run(SNIPPET);
  const wallMs = performance.now() - started;
  const stopped = await Promise.all(loops);
  return { wallMs, correct: innocent.stdout === SNIPPET_OUTPUT && stopped.every((r) => r.timedOut) };
}

async function measureOne(
  create: SandboxFactory,
  contender: Contender,
  trial: number,
  options: SandboxBenchOptions,
): Promise<SandboxRun> {
  const sandbox = create();
  try {
    const warmStarted = performance.now();
    await sandbox.warmUp();
    const warmUpMs = performance.now() - warmStarted;
    const paced = await timeCalls(sandbox, options.calls, 1, true);
    const sequential = await timeCalls(sandbox, options.calls, 1);
    const concurrent = await timeCalls(sandbox, options.calls, options.concurrency);
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    const runaway = await besideRunaways(sandbox, options.runaways);
    return {
      contender,
      trial,
      warmUpMs,
      paced: paced.figures,
      sequential: sequential.figures,
      concurrent: concurrent.figures,
      besideRunawaysMs: runaway.wallMs,
      correct: paced.correct && sequential.correct && concurrent.correct && runaway.correct,
      rssMb,
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * The sandbox files of PRE_ISOLATION_COMMIT, with the error classes they import, laid out as they were in that
 * commit inside a folder of the repository root (so that the `pyodide` package resolves as it did there).
 */
async function checkOutBaseline(): Promise<{ create: SandboxFactory; remove: () => Promise<void> }> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const folder = await mkdtemp(join(root, ".bench-sandbox-baseline-"));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });
    const files = git("ls-tree", "--name-only", `${PRE_ISOLATION_COMMIT}:tools/python`).split("\n");
    const paths = [...files.filter(Boolean).map((file) => `tools/python/${file}`), "core/errors.ts"];
    for (const path of paths) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), git("show", `${PRE_ISOLATION_COMMIT}:${path}`));
    }
    const module = (await import(
      pathToFileURL(join(folder, "tools", "python", "python-sandbox.ts")).href
    )) as {
      PythonSandbox: new (options: typeof SANDBOX_OPTIONS) => Sandbox;
    };
    return { create: () => new module.PythonSandbox(SANDBOX_OPTIONS), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

export async function measureSandbox(
  options: SandboxBenchOptions,
  onRun: (run: SandboxRun) => void = () => {},
): Promise<SandboxBenchResult> {
  const current: SandboxFactory = () => new PythonSandbox(SANDBOX_OPTIONS);
  if (!options.baseline) {
    const runs: SandboxRun[] = [];
    for (let trial = 0; trial < options.trials; trial++) {
      const run = await measureOne(current, "current", trial, options);
      runs.push(run);
      onRun(run);
    }
    return { options, runs };
  }
  const baseline = await checkOutBaseline();
  try {
    const factories = { current, baseline: baseline.create };
    const runs = await alternateTrials(
      ["current", "baseline"],
      options.trials,
      (contender, trial) => measureOne(factories[contender], contender, trial, options),
      onRun,
    );
    return { options, runs };
  } finally {
    await baseline.remove();
  }
}

/** Medians over the trials of one contender. */
export function summarise(result: SandboxBenchResult, contender: Contender) {
  const of = (figure: (run: SandboxRun) => number) => medianOf(result.runs, contender, figure);
  return {
    contender,
    warmUpMs: of((r) => r.warmUpMs),
    pacedMedianMs: of((r) => r.paced.medianMs),
    pacedP95Ms: of((r) => r.paced.p95Ms),
    pacedCpuMsPerCall: of((r) => r.paced.cpuMsPerCall),
    sequentialMedianMs: of((r) => r.sequential.medianMs),
    sequentialP95Ms: of((r) => r.sequential.p95Ms),
    sequentialCpuMsPerCall: of((r) => r.sequential.cpuMsPerCall),
    concurrentMedianMs: of((r) => r.concurrent.medianMs),
    concurrentP95Ms: of((r) => r.concurrent.p95Ms),
    concurrentCpuMsPerCall: of((r) => r.concurrent.cpuMsPerCall),
    besideRunawaysMs: of((r) => r.besideRunawaysMs),
    rssMb: of((r) => r.rssMb),
    allCorrect: result.runs.filter((r) => r.contender === contender).every((r) => r.correct),
  };
}

if (isMain(import.meta.url)) {
  const options = flags({ calls: 40, concurrency: 4, runaways: 2, trials: 3, baseline: false });
  const result = await measureSandbox(options, printJson);
  printJson(summarise(result, "current"));
  if (options.baseline) printJson(summarise(result, "baseline"));
}
