import { describe, expect, it } from "vitest";
import { cosine, embedText, toBase64 } from "../../packages/sim/src/embedding.ts";

describe("hashed n-gram embeddings", () => {
  const base = "Maya bakes 120 muffins a day for 6 days and sells them at the market.";
  const paraphrase = "For 6 days Maya baked 120 muffins each day, and she sold the muffins at a market.";
  const sameTopic = "Bruno picks 40 apples a day for 9 days and gives some to his neighbours.";
  const unrelated = "Which PAM sequence does Streptococcus pyogenes Cas9 recognise?";

  it("puts paraphrases closer than texts on another subject", () => {
    const similarity = (other: string) => cosine(embedText(base), embedText(other));
    expect(similarity(paraphrase)).toBeGreaterThan(similarity(sameTopic));
    expect(similarity(sameTopic)).toBeGreaterThan(similarity(unrelated));
    expect(similarity(paraphrase)).toBeGreaterThan(0.5);
    expect(Math.abs(similarity(unrelated))).toBeLessThan(0.2);
  });

  it("is unit length, deterministic and sized as asked", () => {
    const vector = embedText(base, 64);
    expect(vector).toHaveLength(64);
    expect(cosine(vector, vector)).toBeCloseTo(1, 6);
    expect(embedText(base, 64)).toEqual(vector);
    expect(cosine(embedText("", 8), embedText("", 8))).toBeCloseTo(1, 6);
  });

  it("encodes base64 as little-endian float32, as OpenAI does", () => {
    const vector = embedText(base, 16);
    const bytes = Buffer.from(toBase64(vector), "base64");
    const decoded = Array.from({ length: 16 }, (_, i) => bytes.readFloatLE(i * 4));
    const gaps = decoded.map((value, i) => Math.abs(value - (vector[i] ?? Number.NaN)));
    expect(Math.max(...gaps)).toBeLessThan(1e-6);
  });
});
