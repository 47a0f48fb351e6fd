import type { RoundDetail } from "./wire.ts";

/**
 * Why a kept sample deserves a person's look before it ships: the Judge marked it (an injection attempt, say),
 * its score sits at a level boundary, or it nearly duplicates a question already kept. The review queue lists unreviewed samples with any of these, most reasons first.
 */

/** Scores within this of a level floor (1.5, 2.5, 3.5, 4.5) could have gone either way. */
const BORDERLINE_SCORE = 0.15;
const LEVEL_FLOORS = [1.5, 2.5, 3.5, 4.5];
/** A question this close under the duplicate threshold is worth a second look. */
const NEAR_DUPLICATE_MARGIN = 0.03;

export interface QueueSettings {
  noveltyThreshold?: number;
}

export function reviewFlags(round: RoundDetail, settings: QueueSettings): string[] {
  const { verdict, novelty } = round;
  const flags = [...(verdict?.flags ?? [])];
  if (verdict?.valid && LEVEL_FLOORS.some((floor) => Math.abs(verdict.score - floor) < BORDERLINE_SCORE))
    flags.push("borderline-level");
  const threshold = settings.noveltyThreshold;
  if (
    novelty &&
    threshold !== undefined &&
    novelty.source !== "none" &&
    novelty.maxSimilarity >= threshold - NEAR_DUPLICATE_MARGIN
  )
    flags.push("near-duplicate");
  return flags;
}
