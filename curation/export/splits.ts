import { createHash } from "node:crypto";
import type { ReviewedSample } from "../reviews.ts";
import type { SplitName } from "./formats.ts";

/**
 * The train/validation split: samples ranked by sha256(seed, id), the first `round(fraction * n)` going to
 * validation (at least one and at most n - 1 when a fraction is asked for). The same seed and samples give the
 * same split on any machine, whatever order the samples came in; each split keeps the dataset's order.
 */

export interface SplitPlan {
  /** Fraction asked for; 0: one train split. */
  validation: number;
  seed: number;
}

export function validationCount(total: number, fraction: number): number {
  if (fraction <= 0 || total < 2) return 0;
  return Math.min(total - 1, Math.max(1, Math.round(fraction * total)));
}

function rank(seed: number, id: string): string {
  return createHash("sha256").update(`${seed}\0${id}`).digest("hex");
}

/** The non-empty splits, train first. */
export function splitSamples(
  samples: readonly ReviewedSample[],
  plan: SplitPlan,
): { name: SplitName; samples: ReviewedSample[] }[] {
  const count = validationCount(samples.length, plan.validation);
  const chosen = new Set(
    samples
      .map(({ sample }, index) => ({ index, key: rank(plan.seed, sample.id) }))
      .sort((a, b) => a.key.localeCompare(b.key) || a.index - b.index)
      .slice(0, count)
      .map((entry) => entry.index),
  );
  const train = samples.filter((_, i) => !chosen.has(i));
  const validation = samples.filter((_, i) => chosen.has(i));
  return [
    { name: "train" as const, samples: train },
    ...(validation.length > 0 ? [{ name: "validation" as const, samples: validation }] : []),
  ];
}
