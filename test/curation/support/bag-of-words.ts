import { createHash } from "node:crypto";
import type { Embedder } from "../../../curation/embedder.ts";
import { assertEmbeddable } from "../../../curation/embedder.ts";
import { l2Normalise } from "../../../curation/vectors.ts";

/**
 * A deterministic stand-in for an embedding model: words hashed into buckets. Texts sharing most words get
 * close vectors, so similarity behaves like a (crude) real model's, and every call is recorded.
 */

export function bagOfWords(text: string, dims: number): number[] {
  const counts = new Array<number>(dims).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const bucket = createHash("sha256").update(word).digest().readUInt32LE(0) % dims;
    counts[bucket] = (counts[bucket] as number) + 1;
  }
  return counts;
}

export class BagOfWordsEmbedder implements Embedder {
  readonly name = "bag-of-words";
  /** Every call's texts, in call order. */
  readonly calls: string[][] = [];

  constructor(readonly dims = 64) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    assertEmbeddable(texts);
    this.calls.push([...texts]);
    return texts.map((text) => l2Normalise(bagOfWords(text, this.dims)));
  }

  get embeddedTexts(): string[] {
    return this.calls.flat();
  }
}
