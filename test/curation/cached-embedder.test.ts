import { mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { CachedEmbedder } from "../../curation/embedders/cached-embedder.ts";
import { dot } from "../../curation/vectors.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { BagOfWordsEmbedder } from "./support/bag-of-words.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nf-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("CachedEmbedder", () => {
  test("embeds each distinct text once, across calls and within one call", async () => {
    const inner = new BagOfWordsEmbedder();
    const cached = await CachedEmbedder.open(inner);
    const first = await cached.embed(["alpha beta", "gamma", "alpha beta"]);
    const second = await cached.embed(["gamma", "alpha   beta ", "delta"]);
    expect(inner.embeddedTexts).toEqual(["alpha beta", "gamma", "delta"]);
    expect(dot(first[0] as Float32Array, second[1] as Float32Array)).toBeCloseTo(1, 6);
    expect(cached.stats()).toEqual({ hits: 3, misses: 3, size: 3 });
  });

  test("concurrent calls asking for the same new text share one embedding", async () => {
    const inner = new BagOfWordsEmbedder();
    const cached = await CachedEmbedder.open(inner);
    const [a, b] = await Promise.all([cached.embed(["same question"]), cached.embed(["same question"])]);
    expect(inner.embeddedTexts).toEqual(["same question"]);
    expect(a[0]).toBe(b[0]);
  });

  test("a cache file carries vectors over to the next process, and a torn last record is cut off", async () => {
    const file = join(dir, "embeddings.cache");
    const first = await CachedEmbedder.open(new BagOfWordsEmbedder(), { file });
    const [vector] = await first.embed(["kept across restarts", "the last one"]);
    const { size } = await stat(file);
    await truncate(file, size - 5);

    const inner = new BagOfWordsEmbedder();
    const reopened = await CachedEmbedder.open(inner, { file });
    const [again] = await reopened.embed(["kept across restarts"]);
    expect(inner.calls).toEqual([]);
    expect(Array.from(again as Float32Array)).toEqual(Array.from(vector as Float32Array));
    await reopened.embed(["the last one"]);
    expect(inner.embeddedTexts).toEqual(["the last one"]);
    expect((await CachedEmbedder.open(new BagOfWordsEmbedder(), { file })).stats().size).toBe(2);
  });

  test("refuses a cache file written by another embedder or not a cache at all", async () => {
    const file = join(dir, "embeddings.cache");
    await (await CachedEmbedder.open(new BagOfWordsEmbedder(64), { file })).embed(["x"]);
    await expect(CachedEmbedder.open(new BagOfWordsEmbedder(32), { file })).rejects.toThrow(ConfigError);
    const junk = join(dir, "junk.cache");
    await writeFile(junk, "hello\n");
    await expect(CachedEmbedder.open(new BagOfWordsEmbedder(), { file: junk })).rejects.toThrow(
      /not a NanoFlux embedding cache/,
    );
    expect((await readFile(junk, "utf8")).startsWith("hello")).toBe(true);
  });
});
