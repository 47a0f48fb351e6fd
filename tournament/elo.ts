import { z } from "zod";
import type { RoundOutcome } from "./round-outcome.ts";

/**
 * The Elo scale every tournament rating uses: 1500 is the reference strength, and a defence rating 400 points
 * above an attack rating means 10:1 odds of a defence. Also an incremental Elo for live display, which moves
 * after each round; the standings (ratings.ts) refit everything with confidence intervals.
 */
export const BASE_RATING = 1500;
const POINTS_PER_DECADE = 400;

/** Points per logit: a Bradley-Terry strength s (logit scale) is the rating 1500 + s * this. */
export const POINTS_PER_LOGIT = POINTS_PER_DECADE / Math.LN10;

export function ratingFromLogit(strength: number): number {
  return BASE_RATING + strength * POINTS_PER_LOGIT;
}

/** P(defended) for a defender and an attacker with these ratings. */
export function expectedDefence(defenceRating: number, attackRating: number): number {
  return 1 / (1 + 10 ** ((attackRating - defenceRating) / POINTS_PER_DECADE));
}

/** Live ratings: a plain object the scheduler keeps in its context; models absent are at 1500. */
export const LiveElo = z.object({
  attack: z.record(z.string(), z.number()),
  defence: z.record(z.string(), z.number()),
});
export type LiveElo = z.infer<typeof LiveElo>;

export const DEFAULT_K_FACTOR = 24;

export function emptyLiveElo(): LiveElo {
  return { attack: {}, defence: {} };
}

/** One Elo step: the defender gains what the attacker loses. Invalid questions are not games. */
export function updateLiveElo(elo: LiveElo, round: RoundOutcome, kFactor = DEFAULT_K_FACTOR): LiveElo {
  if (round.outcome === "invalid_question") return elo;
  const defence = elo.defence[round.defender] ?? BASE_RATING;
  const attack = elo.attack[round.attacker] ?? BASE_RATING;
  const change = kFactor * ((round.outcome === "defended" ? 1 : 0) - expectedDefence(defence, attack));
  return {
    attack: { ...elo.attack, [round.attacker]: attack - change },
    defence: { ...elo.defence, [round.defender]: defence + change },
  };
}
