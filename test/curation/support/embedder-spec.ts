import { beforeAll, describe, expect, test } from "vitest";
import type { Embedder } from "../../../curation/embedder.ts";
import { dot } from "../../../curation/vectors.ts";
import { ModelError } from "../../../protocol/errors.ts";

/** What every Embedder adapter must do; each adapter's test file runs it. */
export function describeEmbedderSpec(name: string, create: () => Promise<Embedder>): void {
  describe(`Embedder spec: ${name}`, () => {
    let embedder: Embedder;
    beforeAll(async () => {
      embedder = await create();
    });

    test("returns one unit vector of `dims` per text, in input order", async () => {
      const texts = ["How many apples are left?", "Solve for x: 2x + 3 = 11.", "Name the largest planet."];
      const vectors = await embedder.embed(texts);
      expect(vectors).toHaveLength(texts.length);
      for (const vector of vectors) {
        expect(vector).toHaveLength(embedder.dims);
        expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
      }
      const alone = await embedder.embed([texts[1] as string]);
      expect(dot(alone[0] as Float32Array, vectors[1] as Float32Array)).toBeCloseTo(1, 5);
    });

    test("gives different texts different vectors and the same text the same vector", async () => {
      const [a, b, again] = await embedder.embed([
        "a cat sat on the mat",
        "interest compounds monthly",
        "a cat sat on the mat",
      ]);
      expect(dot(a as Float32Array, again as Float32Array)).toBeCloseTo(1, 5);
      expect(dot(a as Float32Array, b as Float32Array)).toBeLessThan(0.9);
    });

    test("embeds more texts than fit in one batch, keeping their order", async () => {
      const texts = Array.from(
        { length: 150 },
        (_, i) => `question ${i} about topic ${i % 7} number ${i * 13}`,
      );
      const vectors = await embedder.embed(texts);
      const [first, last] = await embedder.embed([texts[0] as string, texts[149] as string]);
      expect(vectors).toHaveLength(150);
      expect(dot(vectors[0] as Float32Array, first as Float32Array)).toBeCloseTo(1, 5);
      expect(dot(vectors[149] as Float32Array, last as Float32Array)).toBeCloseTo(1, 5);
    });

    test("returns nothing for no texts and refuses blank text", async () => {
      expect(await embedder.embed([])).toEqual([]);
      await expect(embedder.embed(["fine", "   "])).rejects.toBeInstanceOf(ModelError);
    });
  });
}
