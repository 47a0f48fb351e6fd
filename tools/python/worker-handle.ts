import { Worker } from "node:worker_threads";
import { SystemError } from "../../core/errors.ts";
import {
  WorkerMessage,
  type WorkerReady,
  type WorkerResult,
  type WorkerSettings,
} from "./worker-protocol.ts";

const WORKER_FILE = new URL("./sandbox-worker.mjs", import.meta.url);

/** The worker's JavaScript heap; Python objects live in the WebAssembly heap, which the worker caps itself. */
const JS_HEAP_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

export type KilledReason = "timeout" | "memory" | "crash" | "aborted";

/** The worker was stopped or died: it must not be used again. */
export interface Killed {
  kind: "killed";
  reason: KilledReason;
  detail: string;
}

export type WorkerOutcome = { kind: "finished"; result: WorkerResult } | Killed;

/** One running sandbox worker, ready for runs one at a time. */
export class SandboxWorker {
  private nextRunId = 0;
  /** Why the worker is gone, when it died between runs. */
  private lost: string | undefined;

  private constructor(private readonly worker: Worker) {
    // Without a listener of its own, an 'error' while no run is waiting would crash the host process.
    worker.on("error", (error) => {
      this.lost ??= error.message;
    });
    worker.on("exit", (exitCode) => {
      this.lost ??= `the worker exited with code ${exitCode}`;
    });
  }

  static async start(settings: WorkerSettings, startTimeoutMs: number): Promise<SandboxWorker> {
    const worker = new Worker(WORKER_FILE, {
      workerData: settings,
      // An empty environment, and no TypeScript loader or other flags inherited from the host.
      env: {},
      execArgv: [],
      resourceLimits: JS_HEAP_LIMITS,
      stdout: true,
      stderr: true,
    });
    // Pyodide prints its own diagnostics (a fatal error dump) to the console: keep them off the host's output.
    worker.stdout.resume();
    worker.stderr.resume();
    const outcome = await nextMessage(worker, startTimeoutMs, undefined, isReady);
    if (outcome.kind === "killed") {
      await worker.terminate();
      throw new SystemError(
        `the Python sandbox worker did not start (${outcome.detail}); check that the 'pyodide' package is installed`,
      );
    }
    // An idle sandbox must not keep the host process alive; a run in progress holds its own timer.
    worker.unref();
    return new SandboxWorker(worker);
  }

  async execute(code: string, timeoutMs: number, signal?: AbortSignal): Promise<WorkerOutcome> {
    if (this.lost) return { kind: "killed", reason: "crash", detail: this.lost };
    const id = this.nextRunId++;
    this.worker.postMessage({ type: "run", id, code });
    const isThisResult = (message: WorkerMessage): message is WorkerResult =>
      message.type === "result" && message.id === id;
    const outcome = await nextMessage(this.worker, timeoutMs, signal, isThisResult);
    return outcome.kind === "killed" ? outcome : { kind: "finished", result: outcome.message };
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

const isReady = (message: WorkerMessage): message is WorkerReady => message.type === "ready";

/** Waits for the first valid message `accept` takes, or for the worker to fail, overrun or be cancelled. */
function nextMessage<Wanted extends WorkerMessage>(
  worker: Worker,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  accept: (message: WorkerMessage) => message is Wanted,
): Promise<{ kind: "message"; message: Wanted } | Killed> {
  return new Promise((resolve) => {
    const finish = (outcome: { kind: "message"; message: Wanted } | Killed) => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const onMessage = (raw: unknown) => {
      const parsed = WorkerMessage.safeParse(raw);
      if (!parsed.success)
        finish({ kind: "killed", reason: "crash", detail: "the worker sent an invalid message" });
      else if (accept(parsed.data)) finish({ kind: "message", message: parsed.data });
    };
    const onError = (error: Error & { code?: string }) =>
      finish({
        kind: "killed",
        reason: error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crash",
        detail: error.message,
      });
    const onExit = (exitCode: number) =>
      finish({ kind: "killed", reason: "crash", detail: `the worker exited with code ${exitCode}` });
    const onAbort = () =>
      finish({ kind: "killed", reason: "aborted", detail: "the caller cancelled the run" });
    const timer = setTimeout(
      () => finish({ kind: "killed", reason: "timeout", detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
  });
}
