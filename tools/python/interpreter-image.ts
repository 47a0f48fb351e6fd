import { SystemError } from "../../protocol/errors.ts";
import { ImageMade, type InterpreterImage } from "./worker-protocol.ts";
import { nextMessage, spawnWorker } from "./worker-thread.ts";

const SNAPSHOT_WORKER_FILE = new URL("./snapshot-worker.mjs", import.meta.url);

/**
 * Boots Pyodide once, in a worker of its own, and returns what each call's worker restores instead of booting
 * again: the compiled WebAssembly and a memory snapshot (about 30 MB) taken before any model-written code ran.
 */
export async function makeInterpreterImage(
  startTimeoutMs: number,
  signal: AbortSignal,
): Promise<InterpreterImage> {
  const worker = spawnWorker(SNAPSHOT_WORKER_FILE, undefined);
  const outcome = await nextMessage(worker, ImageMade, startTimeoutMs, signal);
  await worker.terminate();
  if (outcome.kind === "killed") {
    throw new SystemError(
      `the Python sandbox could not boot its interpreter (${outcome.detail}); check that the 'pyodide' package is installed`,
    );
  }
  return { wasmModule: outcome.message.wasmModule, snapshot: outcome.message.snapshot };
}
