import { z } from "zod";
import type { TournamentConfig } from "../config/topology.ts";
import { ConfigError } from "../protocol/errors.ts";
import type { Pairing } from "./pairings.ts";
import type { RoundOutcome } from "./round-outcome.ts";

/**
 * Difficulty targeting: each pairing's requested complexity (1-5) moves toward the level where the defender
 * succeeds `target` of the time (0.5 by default: an item the defender solves half the time teaches the most).
 *
 * A continuous `level` takes a stochastic-approximation step per round, up by gain * (1 - target) after a
 * defence and down by gain * target after a successful attack, so it settles where the success rate is the
 * target; between two complexities it settles so that their mix hits the target. The complexity follows the
 * level with hysteresis: it changes only once the level is more than 0.5 + hysteresis away from it, so a
 * change back needs a run of rounds against it rather than one unlucky round.
 */

const MIN_COMPLEXITY = 1;
const MAX_COMPLEXITY = 5;
const Complexity = z.number().int().min(MIN_COMPLEXITY).max(MAX_COMPLEXITY);

export const DifficultySettings = z.object({
  target: z.number().min(0).max(1),
  startComplexity: Complexity,
  adapt: z.boolean(),
  gain: z.number().positive().max(0.5).describe("how far one round moves the level"),
  hysteresis: z.number().min(0).lt(0.5).describe("extra distance before the complexity follows the level"),
});
export type DifficultySettings = z.infer<typeof DifficultySettings>;

const PairingLevel = z.object({
  level: z.number().min(MIN_COMPLEXITY).max(MAX_COMPLEXITY),
  complexity: Complexity,
});
type PairingLevel = z.infer<typeof PairingLevel>;

/** A plain object the scheduler keeps in its context or KV; `safeParse` it when reading it back. */
export const DifficultyState = z.object({
  settings: DifficultySettings,
  pairings: z.record(z.string(), PairingLevel),
});
export type DifficultyState = z.infer<typeof DifficultyState>;

export type DifficultyTuning = Partial<Pick<DifficultySettings, "gain" | "hysteresis">>;

const DEFAULT_TUNING = { gain: 0.1, hysteresis: 0.3 } as const;

export function createDifficultyState(
  config: Pick<TournamentConfig, "targetDefenderSuccess" | "startComplexity" | "adaptComplexity">,
  tuning: DifficultyTuning = {},
): DifficultyState {
  const parsed = DifficultySettings.safeParse({
    target: config.targetDefenderSuccess,
    startComplexity: config.startComplexity,
    adapt: config.adaptComplexity,
    ...DEFAULT_TUNING,
    ...tuning,
  });
  if (!parsed.success) throw new ConfigError(`difficulty targeting: ${z.prettifyError(parsed.error)}`);
  return { settings: parsed.data, pairings: {} };
}

/** The complexity to request for this pairing's next round. */
export function complexityFor(state: DifficultyState, pairing: Pairing): number {
  return state.pairings[pairingKey(pairing)]?.complexity ?? state.settings.startComplexity;
}

/**
 * Folds one round into the state. Invalid questions say nothing about the defender, and rounds opened at an
 * earlier complexity (still in flight when it changed) would push the level for the wrong reason: both are
 * ignored.
 */
export function updateDifficulty(state: DifficultyState, round: RoundOutcome): DifficultyState {
  const { settings } = state;
  if (!settings.adapt || round.outcome === "invalid_question") return state;
  const key = pairingKey(round);
  const current = state.pairings[key] ?? {
    level: settings.startComplexity,
    complexity: settings.startComplexity,
  };
  if (round.complexity !== current.complexity) return state;
  const next = follow(settings, current, round.outcome === "defended");
  return { settings, pairings: { ...state.pairings, [key]: next } };
}

function follow(settings: DifficultySettings, current: PairingLevel, defended: boolean): PairingLevel {
  const pushed = current.level + settings.gain * ((defended ? 1 : 0) - settings.target);
  // Clamped so a defender who beats even complexity 5 does not wind the level up beyond recall.
  const level = Math.min(MAX_COMPLEXITY, Math.max(MIN_COMPLEXITY, pushed));
  const drifted = Math.abs(level - current.complexity) > 0.5 + settings.hysteresis;
  return { level, complexity: drifted ? Math.round(level) : current.complexity };
}

function pairingKey(pairing: Pairing): string {
  // Model ids cannot contain ">", so the key is unambiguous.
  return `${pairing.attacker}->${pairing.defender}`;
}
