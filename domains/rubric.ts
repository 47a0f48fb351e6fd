import { RUBRIC_DIMENSIONS, type RubricDimension } from "../protocol/role-outputs.ts";
import type { Level } from "../protocol/schemas.ts";

/** What each rubric dimension rates; a pack may reword these or weight them in its pack.yaml. */
export const DEFAULT_RUBRIC_DESCRIPTIONS: Record<RubricDimension, string> = {
  step_validity:
    "every step follows from the question and the steps before it; no arithmetic or factual slips",
  completeness: "no step is skipped: each intermediate result the answer depends on is stated",
  explicit_checking:
    "the solution checks its result (units, a sanity bound, a back-substitution, ruling out options)",
  structure_clarity: "one idea per step, in an order a learner can follow, with quantities named",
  multi_hop_depth:
    "the answer genuinely needs several dependent reasoning hops, not one look-up or one operation",
};

export interface RubricDimensionSpec {
  description: string;
  weight: number;
}

export type RubricSpec = Record<RubricDimension, RubricDimensionSpec>;

// Lower bound of each level above L1: L1 < 1.5 <= L2 < 2.5 <= L3 < 3.5 <= L4 < 4.5 <= L5.
const LEVEL_FLOORS: ReadonlyArray<readonly [Level, number]> = [
  ["L5", 4.5],
  ["L4", 3.5],
  ["L3", 2.5],
  ["L2", 1.5],
];

export function levelForScore(score: number): Level {
  return LEVEL_FLOORS.find(([, floor]) => score >= floor)?.[0] ?? "L1";
}

/**
 * Weighted mean of the 1-5 dimension scores, rounded to two decimals so the stored score and its level agree
 * (a float like 3.4999999 from the weights would otherwise land a visible "3.5" in L3).
 */
export function scoreRubric(
  scores: Record<RubricDimension, number>,
  spec: RubricSpec = rubricWithOverrides({}),
): { score: number; level: Level } {
  let weighted = 0;
  let totalWeight = 0;
  for (const dimension of RUBRIC_DIMENSIONS) {
    weighted += scores[dimension] * spec[dimension].weight;
    totalWeight += spec[dimension].weight;
  }
  const score = Math.round((weighted / totalWeight) * 100) / 100;
  return { score, level: levelForScore(score) };
}

/** The pack's rubric: its rewordings and weights over the defaults. */
export function rubricWithOverrides(
  overrides: Partial<Record<RubricDimension, { description?: string | undefined; weight: number }>>,
): RubricSpec {
  return Object.fromEntries(
    RUBRIC_DIMENSIONS.map((dimension) => {
      const override = overrides[dimension];
      return [
        dimension,
        {
          description: override?.description ?? DEFAULT_RUBRIC_DESCRIPTIONS[dimension],
          weight: override?.weight ?? 1,
        },
      ];
    }),
  ) as RubricSpec;
}
