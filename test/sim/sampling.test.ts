import { describe, expect, it } from "vitest";
import { SampleCounter } from "../../packages/sim/src/sampling.ts";

describe("sample counter", () => {
  it("numbers the draws of each (model, messages) pair on its own", () => {
    const samples = new SampleCounter();
    expect([0, 1, 2].map(() => samples.next("m", "prompt"))).toEqual([0, 1, 2]);
    expect(samples.next("other-model", "prompt")).toBe(0);
    expect(samples.next("m", "another prompt")).toBe(0);
    expect(samples.next("m", "prompt")).toBe(3);
  });

  it("repeats the first draw at temperature 0 and counts nothing", () => {
    const samples = new SampleCounter();
    expect([0, 0, 0].map((t) => samples.next("m", "prompt", t))).toEqual([0, 0, 0]);
    expect(samples.next("m", "prompt", 0.7)).toBe(0);
    expect(samples.next("m", "prompt")).toBe(1);
  });

  it("forgets the least recently asked prompt past its capacity", () => {
    const samples = new SampleCounter(2);
    samples.next("m", "a");
    samples.next("m", "b");
    samples.next("m", "a");
    samples.next("m", "c");
    // "b" was asked longest ago, so "c" pushed it out: it starts over, while "a" is remembered.
    expect(samples.next("m", "a")).toBe(2);
    expect(samples.next("m", "b")).toBe(0);
  });
});
