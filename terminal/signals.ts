import { constants } from "node:os";
import { writeStderr } from "./live-line.ts";

/** How long a command may drain after the first SIGINT/SIGTERM before it is forced out; NANOFLUX_DRAIN_MS overrides. */
export function drainLimitMs(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env.NANOFLUX_DRAIN_MS);
  return Number.isInteger(configured) && configured > 0 ? configured : 10_000;
}

/** The shell's convention: 128 plus the signal's number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? 15);
}

/** Says what the stop does, and exits with the signal's code if it is not done within the drain limit. */
function boundDrain(signal: NodeJS.Signals, what: string): void {
  const limit = drainLimitMs();
  writeStderr(`\n${signal}: ${what} (at most ${limit / 1000} s; again to force quit)\n`);
  const force = setTimeout(() => {
    writeStderr(`nanoflux: still stopping after ${limit / 1000} s; exiting now\n`);
    process.exit(signalExitCode(signal));
  }, limit);
  // The timer only bounds a drain that hangs; it must not keep a finished process alive.
  force.unref();
}

let stopRequested: Promise<string> | undefined;

/**
 * Resolves with the signal name on the first SIGINT/SIGTERM, after saying `what` is happening. The drain that
 * follows is bounded: past the drain limit, or at a second signal, the process exits with the signal's code.
 */
export function onStopSignal(what = "stopping"): Promise<string> {
  stopRequested ??= new Promise((resolve) => {
    let seen: string | undefined;
    const handler = (signal: NodeJS.Signals) => {
      if (seen) process.exit(signalExitCode(seen));
      seen = signal;
      boundDrain(signal, what);
      resolve(signal);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
  return stopRequested;
}

/** A command stopped by a signal: not a fault, and it exits with the signal's code (130, 143). */
export class Interrupted extends Error {
  readonly exitCode: number;
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
    this.name = "Interrupted";
    this.exitCode = signalExitCode(signal);
  }
}

/**
 * Runs `work` with a signal that aborts on SIGINT or SIGTERM (the drain after it bounded like any other), and
 * removes its handlers afterwards, so a command run inside a longer-lived process leaves nothing behind. Work
 * that fails once aborted rejects with `Interrupted`, whatever error the abort surfaced as inside it.
 */
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signalExitCode(signal));
    boundDrain(signal, "stopping");
    controller.abort(new Interrupted(signal));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    return await work(controller.signal);
  } catch (err) {
    throw controller.signal.reason instanceof Interrupted ? controller.signal.reason : err;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
