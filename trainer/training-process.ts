import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { TrainingProgress } from "../protocol/training.ts";
import { parseProgressLine } from "./progress-line.ts";

export interface TrainingProcessOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Aborting stops the command: SIGTERM, then SIGKILL after the grace period. */
  signal: AbortSignal;
  onProgress(progress: TrainingProgress): void;
  tailLines?: number;
  killGraceMs?: number;
}

export interface TrainingProcessResult {
  ok: boolean;
  /** Why it failed, in a sentence: exit code, signal, or the spawn error. */
  failure?: string;
  /** The last lines of stdout and stderr, interleaved as they came. */
  logTail: string;
}

const DEFAULT_TAIL_LINES = 40;
const DEFAULT_KILL_GRACE_MS = 10_000;

/** Runs one training command to its end, reading progress lines from its stdout as they come. */
export function runTrainingProcess(
  command: { program: string; args: string[] },
  options: TrainingProcessOptions,
): Promise<TrainingProcessResult> {
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > (options.tailLines ?? DEFAULT_TAIL_LINES)) tail.shift();
  };
  const child = spawn(command.program, command.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    keep(line);
    const progress = parseProgressLine(line);
    if (progress) options.onProgress(progress);
  });
  createInterface({ input: child.stderr }).on("line", keep);

  const stop = () => {
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), options.killGraceMs ?? DEFAULT_KILL_GRACE_MS).unref();
  };
  if (options.signal.aborted) stop();
  else options.signal.addEventListener("abort", stop, { once: true });

  return new Promise((resolve) => {
    child.once("error", (err) => {
      options.signal.removeEventListener("abort", stop);
      resolve({
        ok: false,
        failure: `cannot start ${command.program}: ${err.message}`,
        logTail: tail.join("\n"),
      });
    });
    child.once("close", (code, signal) => {
      options.signal.removeEventListener("abort", stop);
      const failure =
        code === 0
          ? undefined
          : signal
            ? `training command was stopped by ${signal}`
            : `training command exited with code ${code}`;
      resolve({ ok: code === 0, failure, logTail: tail.join("\n") });
    });
  });
}
