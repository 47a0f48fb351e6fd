import { z } from "zod";
import type { TournamentConfig } from "../config/topology.ts";
import { ConfigError } from "../protocol/errors.ts";
import type { Pairing } from "./pairings.ts";
import type { RoundOutcome } from "./round-outcome.ts";

/**
 * Difficulty targeting: each pairing's requested complexity (1-5) goes to where the defender succeeds `target`
 * of the time (0.5 by default: an item the defender solves half the time teaches the most), within a few
 * rounds.
 *
 * A bracketing search over the five complexities. Every judged round of the pairing counts, whatever
 * complexity it was opened at (rounds in flight when the complexity moved still say something): the defender's
 * success rate per complexity is estimated with a weak prior at the target and made non-increasing in
 * complexity (harder questions are not easier to defend), so one defence at 3 already says 1-3 are easy.
 * The bracket is the hardest complexity still defended more often than the target and the one above it; the
 * next round goes to whichever of the two brings the pairing's success rate in the bracket back toward the
 * target, so a defender between two complexities gets a mix of both. The complexity moves one step at a time,
 * so one surprising round cannot throw it from one end to the other.
 */

const MIN_COMPLEXITY = 1;
const MAX_COMPLEXITY = 5;
const LEVELS = MAX_COMPLEXITY - MIN_COMPLEXITY + 1;
const Complexity = z.number().int().min(MIN_COMPLEXITY).max(MAX_COMPLEXITY);

export const DifficultySettings = z.object({
  target: z.number().min(0).max(1),
  startComplexity: Complexity,
  adapt: z.boolean(),
  /** Rounds' worth of belief, at the target, in each complexity before it is played: how cautiously it moves. */
  priorRounds: z.number().positive().max(10),
});
export type DifficultySettings = z.infer<typeof DifficultySettings>;

const Counts = z.array(z.number().int().nonnegative()).length(LEVELS);

const PairingRecord = z.object({
  /** The complexity its next round asks for. */
  complexity: Complexity,
  /** Judged rounds per complexity (index 0 is complexity 1). */
  played: Counts,
  /** Of those, rounds the defender got right. */
  defended: Counts,
});
type PairingRecord = z.infer<typeof PairingRecord>;

/** A plain object the scheduler keeps in its context or KV; `safeParse` it when reading it back. */
export const DifficultyState = z.object({
  settings: DifficultySettings,
  pairings: z.record(z.string(), PairingRecord),
});
export type DifficultyState = z.infer<typeof DifficultyState>;

export type DifficultyTuning = Partial<Pick<DifficultySettings, "priorRounds">>;

const DEFAULT_TUNING = { priorRounds: 1 } as const;

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

/** Folds one judged round into the state. Invalid questions say nothing about the defender: they are ignored. */
export function updateDifficulty(state: DifficultyState, round: RoundOutcome): DifficultyState {
  const { settings } = state;
  if (!settings.adapt || round.outcome === "invalid_question") return state;
  const key = pairingKey(round);
  const empty = new Array<number>(LEVELS).fill(0);
  // A record from an older snapshot (a resumed run) keeps its complexity and starts counting afresh.
  const stored = state.pairings[key];
  const current = PairingRecord.safeParse(stored).data ?? {
    complexity: Complexity.safeParse(stored?.complexity).data ?? settings.startComplexity,
    played: empty,
    defended: empty,
  };
  const at = round.complexity - MIN_COMPLEXITY;
  const bump = (counts: number[], by: number) => counts.map((n, i) => (i === at ? n + by : n));
  const counted = {
    ...current,
    played: bump(current.played, 1),
    defended: bump(current.defended, round.outcome === "defended" ? 1 : 0),
  };
  const next = { ...counted, complexity: nextComplexity(settings, counted) };
  return { settings, pairings: { ...state.pairings, [key]: next } };
}

/** The defender's success rate per complexity, with the prior, made non-increasing (pool adjacent violators). */
export function successEstimates(
  settings: Pick<DifficultySettings, "target" | "priorRounds">,
  record: Pick<PairingRecord, "played" | "defended">,
): number[] {
  const blocks: Array<{ value: number; weight: number; size: number }> = [];
  for (let i = 0; i < LEVELS; i++) {
    const weight = (record.played[i] as number) + settings.priorRounds;
    const value = ((record.defended[i] as number) + settings.priorRounds * settings.target) / weight;
    blocks.push({ value, weight, size: 1 });
    // A harder complexity estimated easier than the one before it: pool the two.
    while (blocks.length > 1 && (blocks.at(-2)?.value as number) < (blocks.at(-1)?.value as number)) {
      const last = blocks.pop() as (typeof blocks)[number];
      const before = blocks.pop() as (typeof blocks)[number];
      const weight = before.weight + last.weight;
      blocks.push({
        value: (before.value * before.weight + last.value * last.weight) / weight,
        weight,
        size: before.size + last.size,
      });
    }
  }
  return blocks.flatMap((block) => new Array<number>(block.size).fill(block.value));
}

function nextComplexity(settings: DifficultySettings, record: PairingRecord): number {
  const estimates = successEstimates(settings, record);
  // The hardest complexity still defended more often than the target; none: even complexity 1 is too hard.
  const easierIndex = estimates.findLastIndex((p) => p > settings.target);
  let wanted: number;
  if (easierIndex < 0) wanted = MIN_COMPLEXITY;
  else if (easierIndex === LEVELS - 1) wanted = MAX_COMPLEXITY;
  else {
    const played = (record.played[easierIndex] as number) + (record.played[easierIndex + 1] as number);
    const defended = (record.defended[easierIndex] as number) + (record.defended[easierIndex + 1] as number);
    // Within the bracket, the harder one while the pairing defends more often than the target there.
    const harder = played === 0 || defended / played > settings.target;
    wanted = MIN_COMPLEXITY + easierIndex + (harder ? 1 : 0);
  }
  return Math.min(record.complexity + 1, Math.max(record.complexity - 1, wanted));
}

function pairingKey(pairing: Pairing): string {
  // Model ids cannot contain ">", so the key is unambiguous.
  return `${pairing.attacker}->${pairing.defender}`;
}
