import type { Worker } from "node:worker_threads";
import { SystemError } from "../../protocol/errors.ts";
import { type InterpreterImage, type WorkerLimits, WorkerReady, WorkerResult } from "./worker-protocol.ts";
import { type Killed, nextMessage, spawnWorker } from "./worker-thread.ts";

export type { KilledReason } from "./worker-thread.ts";

const WORKER_FILE = new URL("./sandbox-worker.mjs", import.meta.url);

export type WorkerOutcome = { kind: "finished"; result: WorkerResult } | Killed;

/** A started sandbox worker with its own fresh interpreter, for exactly one call. */
export class SandboxWorker {
  private used = false;
  /** Why the worker is gone, when it died while waiting for its call. */
  private lost: string | undefined;

  private constructor(private readonly worker: Worker) {
    // Without a listener of its own, an 'error' while no call is waiting would crash the host process.
    worker.on("error", (error) => {
      this.lost ??= error.message;
    });
    worker.on("exit", (exitCode) => {
      this.lost ??= `the worker exited with code ${exitCode}`;
    });
  }

  /** Starts a worker and resolves once its interpreter is restored and hardened; `signal` abandons the start. */
  static async start(
    image: InterpreterImage,
    limits: WorkerLimits,
    startTimeoutMs: number,
    signal: AbortSignal,
  ): Promise<SandboxWorker> {
    // Each worker gets a copy of its own, moved rather than cloned: one copy, and no memory shared with a call.
    const snapshot = image.snapshot.slice();
    const worker = spawnWorker(WORKER_FILE, { ...limits, wasmModule: image.wasmModule, snapshot }, [
      snapshot.buffer,
    ]);
    const outcome = await nextMessage(worker, WorkerReady, startTimeoutMs, signal);
    if (outcome.kind === "killed") {
      await worker.terminate();
      throw new SystemError(`a Python sandbox worker did not start (${outcome.detail})`);
    }
    // A spare waiting for a call must not keep the host process alive; a call in progress holds its own timer.
    worker.unref();
    return new SandboxWorker(worker);
  }

  get alive(): boolean {
    return this.lost === undefined;
  }

  /** Runs the worker's one snippet; the time limit starts now, with the interpreter ready. */
  async execute(code: string, timeoutMs: number, signal?: AbortSignal): Promise<WorkerOutcome> {
    if (this.used) throw new SystemError("a sandbox worker serves one call: take another for the next");
    this.used = true;
    if (this.lost) return { kind: "killed", reason: "crash", detail: this.lost };
    this.worker.postMessage({ type: "run", code });
    const outcome = await nextMessage(this.worker, WorkerResult, timeoutMs, signal);
    return outcome.kind === "killed" ? outcome : { kind: "finished", result: outcome.message };
  }

  /** Ends the thread; never rejects (Node resolves it with the exit code), so callers may leave it running. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
