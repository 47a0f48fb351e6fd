import { type TransferListItem, Worker } from "node:worker_threads";
import type { z } from "zod";

/** The plumbing shared by the sandbox's two kinds of worker thread: starting one, and awaiting its messages. */

/** The worker's JavaScript heap; Python objects live in the WebAssembly heap, which the worker caps itself. */
const JS_HEAP_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

export type KilledReason = "timeout" | "memory" | "crash" | "aborted";

/** The worker was stopped or died: it must not be used again. */
export interface Killed {
  kind: "killed";
  reason: KilledReason;
  detail: string;
}

export function spawnWorker(file: URL, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  const worker = new Worker(file, {
    workerData,
    transferList,
    // An empty environment, and no TypeScript loader or other flags inherited from the host.
    env: {},
    execArgv: [],
    resourceLimits: JS_HEAP_LIMITS,
    // The worker's stdout and stderr go to the host's, and the worker silences its console (load-pyodide.mjs).
    // Capturing them instead (`stdout: true`) would keep the host process alive for as long as a spare waits.
  });
  return worker;
}

/**
 * Waits for the worker's next message, which must match `schema`, or for the worker to fail, overrun
 * `timeoutMs` or be cancelled through `signal`. The timer keeps the host process alive while it waits.
 */
export function nextMessage<Schema extends z.ZodType>(
  worker: Worker,
  schema: Schema,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ kind: "message"; message: z.output<Schema> } | Killed> {
  return new Promise((resolve) => {
    const finish = (outcome: { kind: "message"; message: z.output<Schema> } | Killed) => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const onMessage = (raw: unknown) => {
      const parsed = schema.safeParse(raw);
      finish(
        parsed.success
          ? { kind: "message", message: parsed.data }
          : { kind: "killed", reason: "crash", detail: "the worker sent an invalid message" },
      );
    };
    const onError = (error: Error & { code?: string }) =>
      finish({
        kind: "killed",
        reason: error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crash",
        detail: error.message,
      });
    const onExit = (exitCode: number) =>
      finish({ kind: "killed", reason: "crash", detail: `the worker exited with code ${exitCode}` });
    const onAbort = () => finish({ kind: "killed", reason: "aborted", detail: "the caller cancelled" });
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
