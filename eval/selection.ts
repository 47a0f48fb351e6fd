import { ConfigError } from "../protocol/errors.ts";
import { createPrng, shuffled } from "../tournament/prng.ts";

/** Which items of a benchmark to evaluate: the first `limit`, or a seeded random `sample`, or all. */
export interface Selection {
  limit?: number;
  sample?: number;
  seed?: number;
}

export const DEFAULT_SAMPLE_SEED = 1;

/**
 * The subset to evaluate. A sample keeps file order, so two models evaluated with the same seed see the same
 * items in the same order and their results pair up.
 */
export function selectItems<T>(items: readonly T[], selection: Selection): T[] {
  if (selection.limit !== undefined && selection.sample !== undefined) {
    throw new ConfigError("give either --limit or --sample, not both");
  }
  if (selection.limit !== undefined) return items.slice(0, selection.limit);
  if (selection.sample === undefined) return [...items];
  const prng = createPrng(selection.seed ?? DEFAULT_SAMPLE_SEED);
  const chosen = new Set(shuffled(Array.from(items.keys()), prng).slice(0, selection.sample));
  return items.filter((_, index) => chosen.has(index));
}
