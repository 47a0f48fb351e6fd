import { afterEach, describe, expect, test } from "vitest";
import type { QuestionRow, QuestionStore } from "../../../curation/question-store.ts";
import { l2Normalise } from "../../../curation/vectors.ts";
import { ConfigError } from "../../../protocol/errors.ts";

export const SPEC_DIMS = 16;

/** A unit vector pointing mostly along axis `axis`, with a little of `axis + 1`. */
export function axisVector(axis: number, tilt = 0, dims = SPEC_DIMS): Float32Array {
  const values = new Array<number>(dims).fill(0);
  values[axis % dims] = 1;
  values[(axis + 1) % dims] = tilt;
  return l2Normalise(values);
}

export function row(id: string, vector: Float32Array, overrides: Partial<QuestionRow> = {}): QuestionRow {
  return {
    id,
    runId: "run-1",
    roundId: `round-${id}`,
    domain: "math",
    skill: "ratios",
    complexity: 3,
    level: "L4",
    text: `question ${id}`,
    vector,
    ...overrides,
  };
}

/** What every QuestionStore adapter must do; each adapter's test file runs it. */
export function describeQuestionStoreSpec(name: string, open: () => Promise<QuestionStore>): void {
  describe(`QuestionStore spec: ${name}`, () => {
    const opened: QuestionStore[] = [];
    const openStore = async () => {
      const store = await open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    test("an empty store has no neighbours", async () => {
      const store = await openStore();
      expect(await store.nearest(axisVector(0), 3)).toEqual([]);
      expect(await store.count()).toBe(0);
    });

    test("returns the k most similar questions, most similar first, with their cosine similarity", async () => {
      const store = await openStore();
      await store.add([
        row("a", axisVector(0)),
        row("b", axisVector(0, 0.5)),
        row("c", axisVector(5)),
        row("d", axisVector(0, 2)),
      ]);
      const found = await store.nearest(axisVector(0), 2);
      expect(found.map((n) => n.id)).toEqual(["a", "b"]);
      expect(found[0]?.similarity).toBeCloseTo(1, 5);
      expect(found[1]?.similarity).toBeCloseTo(1 / Math.sqrt(1.25), 5);
      expect(found[0]?.text).toBe("question a");
    });

    test("adding a stored id again changes nothing", async () => {
      const store = await openStore();
      await store.add([row("a", axisVector(0))]);
      await store.add([row("a", axisVector(0)), row("b", axisVector(3))]);
      expect(await store.count()).toBe(2);
      expect((await store.nearest(axisVector(0), 5)).filter((n) => n.id === "a")).toHaveLength(1);
    });

    test("refuses vectors of another size", async () => {
      const store = await openStore();
      await expect(store.add([row("x", axisVector(0, 0, SPEC_DIMS * 2))])).rejects.toThrow(ConfigError);
    });
  });
}
