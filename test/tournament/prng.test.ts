import { describe, expect, it } from "vitest";
import { createPrng, deriveSeed, shuffled } from "../../tournament/prng.ts";

describe("seeded PRNG", () => {
  it("repeats a sequence for a seed and changes it with the seed", () => {
    const draw = (seed: number) => Array.from({ length: 20 }, createPrng(seed).next);
    expect(draw(1)).toEqual(draw(1));
    expect(draw(2)).not.toEqual(draw(1));
  });

  it("draws uniformly in [0, 1) and integers in [0, n)", () => {
    const prng = createPrng(42);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const bucket = prng.int(10);
      buckets[bucket] = (buckets[bucket] as number) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 5000)).toBeLessThan(300);
  });

  it("derives distinct seeds from distinct parts", () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, block) => deriveSeed(7, "pairing", block)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(7, "pairing", 1)).toBe(deriveSeed(7, "pairing", 1));
    expect(deriveSeed(7, "pairing", 1)).not.toBe(deriveSeed(7, "pairing1"));
  });

  it("shuffles a copy into a permutation", () => {
    const items = ["a", "b", "c", "d", "e", "f"];
    const result = shuffled(items, createPrng(5));
    expect([...result].sort()).toEqual(items);
    expect(items).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(shuffled(items, createPrng(5))).toEqual(result);
  });
});
