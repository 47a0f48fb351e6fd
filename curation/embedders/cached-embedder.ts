import { createHash } from "node:crypto";
import type { Embedder } from "../embedder.ts";
import { type CacheEntry, EmbeddingCacheFile } from "./cache-file.ts";

/**
 * Wraps an embedder so that no text is embedded twice: vectors are kept by the sha256 of the normalised text,
 * in memory and, when a file is given, on disk (so a resumed run and the final acceptance check reuse them).
 * Concurrent calls asking for the same new text share one embedding.
 */

/** Texts that differ only in Unicode form or whitespace embed the same. */
export function normaliseText(text: string): string {
  return text.normalize("NFKC").replace(/\s+/g, " ").trim();
}

export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
}

export class CachedEmbedder implements Embedder {
  readonly name: string;
  readonly dims: number;
  readonly #vectors = new Map<string, Float32Array>();
  readonly #pending = new Map<string, Promise<void>>();
  #hits = 0;
  #misses = 0;

  private constructor(
    private readonly inner: Embedder,
    private readonly file: EmbeddingCacheFile | undefined,
  ) {
    this.name = inner.name;
    this.dims = inner.dims;
  }

  static async open(inner: Embedder, options: { file?: string } = {}): Promise<CachedEmbedder> {
    if (!options.file) return new CachedEmbedder(inner, undefined);
    const { file, entries } = await EmbeddingCacheFile.open(options.file, inner.name, inner.dims);
    const cached = new CachedEmbedder(inner, file);
    for (const entry of entries) cached.#vectors.set(entry.digest.toString("hex"), entry.vector);
    return cached;
  }

  stats(): CacheStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#vectors.size };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const normalised = texts.map(normaliseText);
    const keys = normalised.map((text) => digest(text).toString("hex"));
    const missing = new Map<string, string>();
    keys.forEach((key, i) => {
      if (this.#vectors.has(key) || this.#pending.has(key) || missing.has(key)) this.#hits++;
      else missing.set(key, normalised[i] as string);
    });
    if (missing.size > 0) {
      this.#misses += missing.size;
      const batch = this.#embedMissing(missing);
      for (const key of missing.keys()) this.#pending.set(key, batch);
    }
    await Promise.all(new Set(keys.map((key) => this.#pending.get(key)).filter((p) => p !== undefined)));
    return keys.map((key) => this.#vectors.get(key) as Float32Array);
  }

  async #embedMissing(missing: Map<string, string>): Promise<void> {
    try {
      const vectors = await this.inner.embed([...missing.values()]);
      const entries: CacheEntry[] = [...missing.keys()].map((key, i) => ({
        digest: Buffer.from(key, "hex"),
        vector: vectors[i] as Float32Array,
      }));
      for (const entry of entries) this.#vectors.set(entry.digest.toString("hex"), entry.vector);
      await this.file?.append(entries);
    } finally {
      for (const key of missing.keys()) this.#pending.delete(key);
    }
  }
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
