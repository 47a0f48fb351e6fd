import { z } from "zod";
import type { ModelConfig } from "../../config/topology.ts";
import { classifyFailure, endpointContext, failureToError } from "../../llm/endpoint-failure.ts";
import { createOpenAIClient } from "../../llm/openai-client.ts";
import { urlForDisplay } from "../../log/redaction.ts";
import { ModelError } from "../../protocol/errors.ts";
import { assertEmbeddable, type Embedder } from "../embedder.ts";
import { l2Normalise } from "../vectors.ts";

/** Any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, vLLM, Ollama, llama.cpp, TEI, ...). */

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

/** OpenAI accepts up to 2048 inputs a request; smaller batches keep each request well inside timeouts. */
const DEFAULT_BATCH_SIZE = 128;

export interface OpenAIEmbedderOptions {
  /** Endpoint, embedding model name, key variable, timeout and retries, as for a chat model. */
  model: ModelConfig;
  env?: NodeJS.ProcessEnv;
  batchSize?: number;
  /** Vector size; when absent, one probe request finds it. */
  dims?: number;
}

export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Promise<Embedder> {
  const { model } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  // The shared client turns its own retries off for llm/resilient-call.ts; embeddings use the client's.
  const client = createOpenAIClient(model, options.env ?? process.env).withOptions({
    maxRetries: model.maxRetries,
  });
  const where = `embedding model "${model.id}" (${model.model}) at ${urlForDisplay(model.baseUrl)}`;

  async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    let raw: unknown;
    try {
      // "float": not every compatible server speaks the client's default base64 encoding.
      raw = await client.embeddings.create({ model: model.model, input: texts, encoding_format: "float" });
    } catch (err) {
      throw failureToError(classifyFailure(err, false), endpointContext(model), model.maxRetries + 1);
    }
    const parsed = EmbeddingsResponse.safeParse(raw);
    if (!parsed.success) {
      throw new ModelError(
        `${where} returned a malformed embeddings response: ${parsed.error.issues[0]?.message}`,
      );
    }
    const vectors = new Array<Float32Array>(texts.length);
    for (const item of parsed.data.data) {
      if (item.index < texts.length) vectors[item.index] = l2Normalise(item.embedding);
    }
    const missing = texts.findIndex((_, i) => vectors[i] === undefined);
    if (missing >= 0)
      throw new ModelError(`${where} returned no embedding for input #${missing} of ${texts.length}`);
    return vectors;
  }

  async function embed(texts: string[]): Promise<Float32Array[]> {
    assertEmbeddable(texts);
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      vectors.push(...(await embedBatch(texts.slice(start, start + batchSize))));
    }
    return vectors;
  }

  const dims = options.dims ?? ((await embed(["dimension probe"]))[0] as Float32Array).length;
  return {
    name: `openai:${model.model}`,
    dims,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const vectors = await embed(texts);
      const wrong = vectors.find((vector) => vector.length !== dims);
      if (wrong) throw new ModelError(`${where} returned ${wrong.length}-dim vectors, expected ${dims}`);
      return vectors;
    },
  };
}
