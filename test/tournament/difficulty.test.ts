import { describe, expect, it } from "vitest";
import { ConfigError } from "../../protocol/errors.ts";
import {
  complexityFor,
  createDifficultyState,
  DifficultyState,
  type DifficultyTuning,
  updateDifficulty,
} from "../../tournament/difficulty.ts";
import type { Pairing } from "../../tournament/pairings.ts";
import { createPrng } from "../../tournament/prng.ts";
import type { RoundOutcome } from "../../tournament/round-outcome.ts";

const ADAPTIVE = { targetDefenderSuccess: 0.5, startComplexity: 3, adaptComplexity: true };

function fixedAt(complexity: number, target = 0.5): DifficultyState {
  return createDifficultyState({
    targetDefenderSuccess: target,
    startComplexity: complexity,
    adaptComplexity: false,
  });
}

function pairingOf(defender: string): Pairing {
  return { attacker: "asker", defender };
}

interface SimulationResult {
  /** Per defender: its success rate over the second half of its rounds. */
  lateSuccessRate: Record<string, number>;
  /** Per defender: the round indices at which its complexity changed. */
  changes: Record<string, number[]>;
}

/** Defenders take turns; each defends with probability skill^complexity. */
function simulate(
  state: DifficultyState,
  skills: Record<string, number>,
  roundsEach: number,
): SimulationResult {
  const prng = createPrng(17);
  const defenders = Object.keys(skills);
  const late = Object.fromEntries(defenders.map((d) => [d, 0]));
  const changes: Record<string, number[]> = Object.fromEntries(defenders.map((d) => [d, []]));
  let current = state;
  for (let i = 0; i < roundsEach; i++) {
    for (const defender of defenders) {
      const complexity = complexityFor(current, pairingOf(defender));
      const defended = prng.next() < (skills[defender] as number) ** complexity;
      const outcome: RoundOutcome["outcome"] = defended ? "defended" : "attack_succeeded";
      current = updateDifficulty(current, { ...pairingOf(defender), complexity, outcome });
      if (complexityFor(current, pairingOf(defender)) !== complexity) changes[defender]?.push(i);
      if (defended && i >= roundsEach / 2) late[defender] = (late[defender] as number) + 1;
    }
  }
  const lateSuccessRate = Object.fromEntries(
    defenders.map((d) => [d, (late[d] as number) / (roundsEach / 2)]),
  );
  return { lateSuccessRate, changes };
}

function smallestGap(indices: readonly number[]): number {
  return Math.min(...indices.slice(1).map((index, i) => index - (indices[i] as number)));
}

describe("difficulty targeting against a simulated defender (success = skill^complexity)", () => {
  const skills = { steady: 0.7, strong: 0.8, stronger: 0.85 };
  const roundsEach = 2000;

  it("holds the late success rate nearer the target than fixed complexity 1 or 5", () => {
    const adaptive = simulate(createDifficultyState(ADAPTIVE), skills, roundsEach).lateSuccessRate;
    const easiest = simulate(fixedAt(1), skills, roundsEach).lateSuccessRate;
    const hardest = simulate(fixedAt(5), skills, roundsEach).lateSuccessRate;
    for (const defender of Object.keys(skills)) {
      const miss = Math.abs((adaptive[defender] as number) - 0.5);
      expect(miss).toBeLessThan(Math.abs((easiest[defender] as number) - 0.5));
      expect(miss).toBeLessThan(Math.abs((hardest[defender] as number) - 0.5));
    }
  });

  it("aims at a target other than one half", () => {
    const target = 0.7;
    const config = { ...ADAPTIVE, targetDefenderSuccess: target };
    const skill = { expert: 0.9 };
    const adaptive = simulate(createDifficultyState(config), skill, roundsEach).lateSuccessRate
      .expert as number;
    const easiest = simulate(fixedAt(1, target), skill, roundsEach).lateSuccessRate.expert as number;
    const hardest = simulate(fixedAt(5, target), skill, roundsEach).lateSuccessRate.expert as number;
    expect(Math.abs(adaptive - target)).toBeLessThan(Math.abs(easiest - target));
    expect(Math.abs(adaptive - target)).toBeLessThan(Math.abs(hardest - target));
  });

  it("changes a pairing's complexity only after a run of rounds, where no hysteresis flaps", () => {
    const gaps = (tuning: DifficultyTuning) =>
      Object.values(simulate(createDifficultyState(ADAPTIVE, tuning), skills, roundsEach).changes).map(
        smallestGap,
      );
    for (const gap of gaps({})) expect(gap).toBeGreaterThanOrEqual(5);
    expect(Math.min(...gaps({ hysteresis: 0 }))).toBeLessThan(5);
  });
});

describe("difficulty state", () => {
  const round = (complexity: number, outcome: RoundOutcome["outcome"], defender = "bee"): RoundOutcome => ({
    attacker: "ant",
    defender,
    complexity,
    outcome,
  });
  const play = (state: DifficultyState, rounds: readonly RoundOutcome[]) =>
    rounds.reduce(updateDifficulty, state);
  const antBee = { attacker: "ant", defender: "bee" };

  it("climbs for a defender who always wins and falls for one who always loses, within 1..5", () => {
    let state = createDifficultyState(ADAPTIVE);
    const complexities: number[] = [];
    for (let i = 0; i < 100; i++) {
      state = updateDifficulty(state, round(complexityFor(state, antBee), "defended"));
      complexities.push(complexityFor(state, antBee));
    }
    expect(complexities[0]).toBe(3);
    expect(complexities.at(-1)).toBe(5);
    expect(complexities.every((c, i) => i === 0 || c >= (complexities[i - 1] as number))).toBe(true);
    for (let i = 0; i < 200; i++)
      state = updateDifficulty(state, round(complexityFor(state, antBee), "attack_succeeded"));
    expect(complexityFor(state, antBee)).toBe(1);
  });

  it("ignores invalid questions, rounds opened at an older complexity, and everything when not adaptive", () => {
    const start = createDifficultyState(ADAPTIVE);
    expect(play(start, Array(50).fill(round(3, "invalid_question")))).toEqual(start);
    expect(play(start, Array(50).fill(round(2, "defended")))).toEqual(start);
    const fixed = fixedAt(3);
    expect(complexityFor(play(fixed, Array(50).fill(round(3, "defended"))), antBee)).toBe(3);
  });

  it("keeps each pairing apart, the reverse pairing included", () => {
    const state = play(createDifficultyState(ADAPTIVE), Array(40).fill(round(3, "defended")));
    expect(complexityFor(state, antBee)).toBeGreaterThan(3);
    expect(complexityFor(state, { attacker: "bee", defender: "ant" })).toBe(3);
    expect(complexityFor(state, { attacker: "ant", defender: "cat" })).toBe(3);
  });

  it("is a plain object that survives JSON and is checked when read back", () => {
    const state = play(createDifficultyState(ADAPTIVE), [
      round(3, "defended"),
      round(3, "attack_succeeded", "cat"),
    ]);
    const restored = DifficultyState.safeParse(JSON.parse(JSON.stringify(state)));
    expect(restored.success && restored.data).toEqual(state);
    const corrupt = { ...state, pairings: { "ant->bee": { level: 3, complexity: 7 } } };
    expect(DifficultyState.safeParse(corrupt).success).toBe(false);
  });

  it("refuses tuning that could never change the complexity", () => {
    expect(() => createDifficultyState(ADAPTIVE, { hysteresis: 0.5 })).toThrow(ConfigError);
    expect(() => createDifficultyState(ADAPTIVE, { gain: 0 })).toThrow(/gain/);
  });
});
