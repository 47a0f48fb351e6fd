import type { TournamentConfig } from "../config/topology.ts";
import type { RoundClosed } from "../protocol/messages.ts";
import {
  complexityFor,
  createDifficultyState,
  type DifficultyState,
  updateDifficulty,
} from "../tournament/difficulty.ts";
import { createPairings } from "../tournament/pairings.ts";
import { createTopicRotation } from "../tournament/rotation.ts";
import { outcomeOfRound } from "../tournament/round-outcome.ts";

/** What the scheduler needs to plan rounds: who plays, which domains and skills, how hard. */
export interface PlanConfig
  extends Pick<
    TournamentConfig,
    "pairing" | "swapEvery" | "selfPlay" | "startComplexity" | "adaptComplexity" | "targetDefenderSuccess"
  > {
  participants: string[];
  judge: string;
  domains: Array<{ name: string; skills: string[] }>;
  seed: number;
}

/** Serialisable planning state kept in the scheduler's snapshot. */
export interface PlanState {
  difficulty: DifficultyState;
}

export interface PlannedRound {
  round: {
    domain: string;
    skill: string;
    complexity: number;
    attacker: string;
    defender: string;
    judge: string;
  };
  state: PlanState;
}

export function initialPlan(config: PlanConfig): PlanState {
  return { difficulty: createDifficultyState(config) };
}

/** Where a new round may go: the buckets of the curation mix that can still use one, most wanted first. */
export interface RoundRoom {
  domains: readonly string[];
  /** Undefined: any complexity. */
  complexities?: readonly number[];
}

/** The wanted complexity closest to the one asked for; the more wanted one on a tie. */
function nearest(asked: number, allowed: readonly number[] | undefined): number {
  if (!allowed || allowed.length === 0 || allowed.includes(asked)) return asked;
  return allowed.reduce((best, c) => (Math.abs(c - asked) < Math.abs(best - asked) ? c : best));
}

/**
 * Round `seq`'s pairing, domain and skill are pure functions of the seed, its complexity follows the outcomes;
 * where the mix has no room for the rotation's domain or the controller's complexity, the nearest wanted one.
 */
export function nextRound(config: PlanConfig, state: PlanState, seq: number, room: RoundRoom): PlannedRound {
  const pairing = createPairings({ ...config, models: config.participants }).pairingFor(seq);
  const rotation = createTopicRotation({ domains: config.domains.map((d) => d.name), seed: config.seed });
  const rotated = rotation.domainFor(seq);
  const domain = room.domains.includes(rotated) ? rotated : (room.domains[0] ?? rotated);
  const skills = config.domains.find((d) => d.name === domain)?.skills ?? [];
  return {
    round: {
      domain,
      skill: skills.length > 0 ? rotation.skillFor(seq, skills) : "general",
      complexity: nearest(complexityFor(state.difficulty, pairing), room.complexities),
      attacker: pairing.attacker,
      defender: pairing.defender,
      judge: config.judge,
    },
    state,
  };
}

export function recordOutcome(_config: PlanConfig, state: PlanState, closed: RoundClosed): PlanState {
  const outcome = outcomeOfRound(closed);
  return outcome ? { difficulty: updateDifficulty(state.difficulty, outcome) } : state;
}
