import { describe, expect, it } from "vitest";
import { selectItems } from "../../eval/selection.ts";

const items = Array.from({ length: 100 }, (_, i) => i);

describe("selectItems", () => {
  it("takes the first n with --limit, all without a selection", () => {
    expect(selectItems(items, { limit: 3 })).toEqual([0, 1, 2]);
    expect(selectItems(items, {})).toHaveLength(100);
  });

  it("draws a seeded sample in file order", () => {
    const first = selectItems(items, { sample: 10, seed: 5 });
    expect(first).toHaveLength(10);
    expect(new Set(first).size).toBe(10);
    expect([...first].sort((a, b) => a - b)).toEqual(first);
    expect(selectItems(items, { sample: 10, seed: 5 })).toEqual(first);
    expect(selectItems(items, { sample: 10, seed: 6 })).not.toEqual(first);
  });

  it("refuses both --limit and --sample", () => {
    expect(() => selectItems(items, { limit: 1, sample: 1 })).toThrow(/either --limit or --sample/);
  });
});
