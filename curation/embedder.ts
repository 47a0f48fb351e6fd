import { ModelError } from "../protocol/errors.ts";

/**
 * The embedding port: texts in, one L2-normalised vector per text out, in input order. Adapters: the
 * in-process Universal Sentence Encoder (embedders/local-use.ts), any OpenAI-compatible `/v1/embeddings`
 * endpoint (embedders/openai-embedder.ts), and a content-hash cache around either (embedders/cached-embedder.ts).
 */
export interface Embedder {
  /** Identifies the model: vectors from embedders with different names are not comparable. */
  readonly name: string;
  readonly dims: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Blank text has no meaning to embed; it comes from a model that returned an empty question. */
export function assertEmbeddable(texts: readonly string[]): void {
  const blank = texts.findIndex((text) => text.trim() === "");
  if (blank >= 0) {
    throw new ModelError(`cannot embed text #${blank}: it is blank; the question must have words in it`);
  }
}
