import { describe, expect, test } from "vitest";
import { levelForScore, rubricWithOverrides, scoreRubric } from "../../domains/rubric.ts";

const all = (n: number) => ({
  step_validity: n,
  completeness: n,
  explicit_checking: n,
  structure_clarity: n,
  multi_hop_depth: n,
});

describe("levelForScore", () => {
  test.each([
    [1, "L1"],
    [1.49, "L1"],
    [1.5, "L2"],
    [2.49, "L2"],
    [2.5, "L3"],
    [3.49, "L3"],
    [3.5, "L4"],
    [4.49, "L4"],
    [4.5, "L5"],
    [5, "L5"],
  ])("%d -> %s", (score, level) => {
    expect(levelForScore(score)).toBe(level);
  });
});

describe("scoreRubric", () => {
  test("unweighted scores average", () => {
    expect(scoreRubric({ ...all(4), multi_hop_depth: 1 })).toEqual({ score: 3.4, level: "L3" });
    expect(scoreRubric(all(5))).toEqual({ score: 5, level: "L5" });
  });

  test("a pack's weights shift the score", () => {
    const scores = { ...all(3), step_validity: 5 };
    const weighted = rubricWithOverrides({ step_validity: { weight: 4 } });
    expect(scoreRubric(scores).score).toBe(3.4);
    expect(scoreRubric(scores, weighted)).toEqual({ score: 4, level: "L4" });
  });

  test("the score is rounded to two decimals and its level follows the rounded value", () => {
    const weighted = rubricWithOverrides({ completeness: { weight: 2 } });
    const { score, level } = scoreRubric({ ...all(4), completeness: 3 }, weighted);
    expect(score).toBe(3.67);
    expect(level).toBe("L4");
  });
});

describe("rubricWithOverrides", () => {
  test("keeps default descriptions where the pack rewords nothing", () => {
    const spec = rubricWithOverrides({ explicit_checking: { description: "checks units", weight: 2 } });
    expect(spec.explicit_checking).toEqual({ description: "checks units", weight: 2 });
    expect(spec.step_validity.weight).toBe(1);
    expect(spec.step_validity.description.length).toBeGreaterThan(10);
  });
});
