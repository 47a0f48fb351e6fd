import { availableParallelism } from "node:os";
import { z } from "zod";
import { ConfigError, SystemError } from "../../protocol/errors.ts";
import { RunSlots } from "./run-slots.ts";
import type { KilledReason, SandboxWorker, WorkerOutcome } from "./worker-handle.ts";
import { WorkerPool } from "./worker-pool.ts";

/**
 * Runs model-written Python in Pyodide: no network, no host files, no environment, no processes, no way back
 * into JavaScript. Each call gets a fresh interpreter in a fresh worker thread, used for that call alone and
 * then terminated, so no call can see or change the state of another, whatever its code does. Pyodide boots
 * once per sandbox; each worker restores a memory snapshot of that boot instead (a few hundred ms of CPU),
 * and a few spare workers are kept ready so that a call rarely waits for one.
 */

export const PythonSandboxOptions = z.strictObject({
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(5_000)
    .describe("wall-time limit of one run, counted from the moment a ready interpreter gets the code"),
  memoryMb: z
    .number()
    .int()
    .min(64)
    .default(256)
    .describe("cap on one run's interpreter heap, Pyodide's own ~30 MB included"),
  maxOutputBytes: z.number().int().positive().default(16_384).describe("stdout and stderr are each cut here"),
  startTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe("time allowed to boot Pyodide, and to start one worker"),
  spareWorkers: z
    .number()
    .int()
    .min(0)
    .default(2)
    .describe("workers kept started and waiting for a call (each holds ~80 MB)"),
  maxConcurrentRuns: z
    .number()
    .int()
    .positive()
    .default(() => Math.min(4, availableParallelism()))
    .describe(
      "runs executing at once (each may use memoryMb); more wait in a queue that does not count against their time limit. Default: the CPU count, at most 4",
    ),
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
  /** Time from handing the code to a ready interpreter to its result; queueing is not included. */
  durationMs: number;
}

const CANCELLED: WorkerOutcome = { kind: "killed", reason: "aborted", detail: "cancelled before it started" };

export class PythonSandbox {
  readonly settings: Readonly<PythonSandboxSettings>;
  private readonly pool: WorkerPool;
  private readonly slots: RunSlots;
  private closed = false;

  constructor(options: PythonSandboxOptions = {}) {
    const parsed = PythonSandboxOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(`invalid Python sandbox options: ${z.prettifyError(parsed.error)}`);
    }
    this.settings = parsed.data;
    const { memoryMb, maxOutputBytes, spareWorkers, startTimeoutMs, maxConcurrentRuns } = this.settings;
    this.pool = new WorkerPool({
      limits: { memoryLimitBytes: memoryMb * 1024 * 1024, maxOutputBytes },
      spares: spareWorkers,
      startTimeoutMs,
    });
    this.slots = new RunSlots(maxConcurrentRuns);
  }

  /** Boots Pyodide and starts the spare workers now, so the first run does not wait for them. */
  async warmUp(): Promise<void> {
    this.refuseIfClosed();
    await this.pool.fill();
  }

  /**
   * Runs one snippet in an interpreter of its own. Runs beyond maxConcurrentRuns wait their turn; the time
   * limit counts only the run itself. Never rejects for a Python failure; rejects with a SystemError when no
   * interpreter can be started or the sandbox is closed.
   */
  async run(code: string, options: PythonRunOptions = {}): Promise<PythonResult> {
    this.refuseIfClosed();
    const { signal } = options;
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
    if (!(await this.slots.acquire(signal))) return this.describe(CANCELLED, timeoutMs, 0);
    let worker: SandboxWorker | undefined;
    try {
      worker = await this.pool.take(signal);
    } finally {
      if (!worker) this.slots.release();
    }
    if (!worker) return this.describe(CANCELLED, timeoutMs, 0);
    const started = performance.now();
    const outcome = await worker.execute(code, timeoutMs, signal);
    const durationMs = performance.now() - started;
    // The caller has its result now; the slot frees once the thread is gone, so at most maxConcurrentRuns
    // workers ever run code. retire() never rejects.
    void this.pool.retire(worker).then(() => this.slots.release());
    return this.describe(outcome, timeoutMs, durationMs);
  }

  /** Stops every worker; a run in progress ends as a crash, later runs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }

  private refuseIfClosed(): void {
    if (this.closed) throw new SystemError("this Python sandbox was closed: create a new PythonSandbox");
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
        return `the Python worker crashed (${detail}); the next run starts in a fresh one`;
      case "aborted":
        return "the run was cancelled before it finished";
    }
  }
}

function withTruncationNote(text: string, truncated: boolean, maxBytes: number): string {
  return truncated ? `${text}\n[output truncated: only the first ${maxBytes} bytes are kept]` : text;
}
