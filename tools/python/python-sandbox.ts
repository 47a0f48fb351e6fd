import { z } from "zod";
import { ConfigError, SystemError } from "../../core/errors.ts";
import { type KilledReason, SandboxWorker, type WorkerOutcome } from "./worker-handle.ts";

/**
 * Runs model-written Python in Pyodide inside a worker thread: no network, no host files, no environment, no
 * processes, no way back into JavaScript. One warm worker is reused (Pyodide takes seconds to load); a worker
 * that overran, ran out of memory or broke is replaced before the next run.
 */

export const PythonSandboxOptions = z.strictObject({
  timeoutMs: z.number().int().positive().default(5_000).describe("wall-time limit of one run"),
  memoryMb: z
    .number()
    .int()
    .min(64)
    .default(256)
    .describe("cap on the interpreter's heap, Pyodide's own ~40 MB included"),
  maxOutputBytes: z.number().int().positive().default(16_384).describe("stdout and stderr are each cut here"),
  startTimeoutMs: z.number().int().positive().default(60_000).describe("time allowed to load Pyodide"),
});
export type PythonSandboxOptions = z.input<typeof PythonSandboxOptions>;
type PythonSandboxSettings = z.output<typeof PythonSandboxOptions>;

export interface PythonRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PythonResult {
  /** The code ran to the end (or exited with status 0). */
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The Python traceback, or why the run was stopped. */
  error?: string;
  timedOut: boolean;
  killedReason?: KilledReason;
  durationMs: number;
}

const CANCELLED: WorkerOutcome = { kind: "killed", reason: "aborted", detail: "cancelled before it started" };

export class PythonSandbox {
  readonly settings: Readonly<PythonSandboxSettings>;
  private worker: Promise<SandboxWorker | SystemError> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: PythonSandboxOptions = {}) {
    const parsed = PythonSandboxOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(`invalid Python sandbox options: ${z.prettifyError(parsed.error)}`);
    }
    this.settings = parsed.data;
  }

  /** Loads Pyodide now, so the first run does not wait for it. */
  async warmUp(): Promise<void> {
    await this.acquireWorker();
  }

  /** Runs one snippet in fresh globals; runs are queued, one at a time. Never rejects for a Python failure. */
  run(code: string, options: PythonRunOptions = {}): Promise<PythonResult> {
    const turn = this.queue.then(() => this.runNow(code, options));
    // The queue only orders runs; each caller sees its own outcome through `turn`.
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Stops the worker; a run in progress ends as a crash, later runs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = await this.worker;
    this.worker = undefined;
    if (worker instanceof SandboxWorker) await worker.terminate();
  }

  private async runNow(code: string, options: PythonRunOptions): Promise<PythonResult> {
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
    if (options.signal?.aborted) return this.describe(CANCELLED, timeoutMs, 0);
    const worker = await this.acquireWorker();
    const started = performance.now();
    const outcome = await worker.execute(code, timeoutMs, options.signal);
    const durationMs = performance.now() - started;
    if (outcome.kind === "killed" || outcome.result.fatal) await this.replace(worker);
    return this.describe(outcome, timeoutMs, durationMs);
  }

  private async acquireWorker(): Promise<SandboxWorker> {
    if (this.closed) throw new SystemError("this Python sandbox was closed: create a new PythonSandbox");
    this.worker ??= this.startWorker();
    const worker = await this.worker;
    if (worker instanceof SystemError) {
      this.worker = undefined; // the next run tries again
      throw worker;
    }
    return worker;
  }

  /** Resolves to the worker or to the reason it could not start, so an unawaited start never rejects. */
  private startWorker(): Promise<SandboxWorker | SystemError> {
    const { memoryMb, maxOutputBytes, startTimeoutMs } = this.settings;
    return SandboxWorker.start(
      { memoryLimitBytes: memoryMb * 1024 * 1024, maxOutputBytes },
      startTimeoutMs,
    ).catch((error: unknown) =>
      error instanceof SystemError
        ? error
        : new SystemError("the Python sandbox failed to start", { cause: error }),
    );
  }

  /** Discards a worker that cannot be trusted again and starts loading its successor right away. */
  private async replace(worker: SandboxWorker): Promise<void> {
    await worker.terminate();
    this.worker = this.closed ? undefined : this.startWorker();
  }

  private describe(outcome: WorkerOutcome, timeoutMs: number, durationMs: number): PythonResult {
    if (outcome.kind === "killed") {
      return {
        ok: false,
        stdout: "",
        stderr: "",
        error: this.killedMessage(outcome.reason, outcome.detail, timeoutMs),
        timedOut: outcome.reason === "timeout",
        killedReason: outcome.reason,
        durationMs,
      };
    }
    const { result } = outcome;
    const killedReason = result.memoryExceeded ? "memory" : result.fatal ? "crash" : undefined;
    const memoryNote = result.memoryExceeded
      ? `\n(the sandbox allows ${this.settings.memoryMb} MB of memory)`
      : "";
    return {
      ok: result.error === null,
      stdout: withTruncationNote(result.stdout, result.stdoutTruncated, this.settings.maxOutputBytes),
      stderr: withTruncationNote(result.stderr, result.stderrTruncated, this.settings.maxOutputBytes),
      ...(result.error === null ? {} : { error: result.error + memoryNote }),
      timedOut: false,
      ...(killedReason ? { killedReason } : {}),
      durationMs,
    };
  }

  private killedMessage(reason: KilledReason, detail: string, timeoutMs: number): string {
    switch (reason) {
      case "timeout":
        return `stopped after ${timeoutMs} ms: the code exceeded the time limit (an endless loop or too much work); make it faster`;
      case "memory":
        return `stopped: the code exceeded the sandbox memory limit of ${this.settings.memoryMb} MB; use less memory`;
      case "crash":
        return `the Python worker crashed (${detail}); it was replaced, so the next run starts clean`;
      case "aborted":
        return "the run was cancelled before it finished";
    }
  }
}

function withTruncationNote(text: string, truncated: boolean, maxBytes: number): string {
  return truncated ? `${text}\n[output truncated: only the first ${maxBytes} bytes are kept]` : text;
}
