import { describe, expect, it } from "vitest";
import { ConfigError } from "../../protocol/errors.ts";
import {
  complexityFor,
  createDifficultyState,
  DifficultyState,
  successEstimates,
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
  /** Per defender: the complexity each of its rounds was opened at. */
  complexities: Record<string, number[]>;
}

/**
 * Defenders take turns; each defends with probability skill^complexity, as the simulator's defender does (a
 * question of complexity c has c hops, each right with probability skill). With `inFlight` > 1, each outcome
 * arrives that many rounds after its round was opened, as with concurrent rounds in a run.
 */
function simulate(
  state: DifficultyState,
  skills: Record<string, number>,
  roundsEach: number,
  options: { seed?: number; inFlight?: number } = {},
): SimulationResult {
  const prng = createPrng(options.seed ?? 17);
  const defenders = Object.keys(skills);
  const late = Object.fromEntries(defenders.map((d) => [d, 0]));
  const complexities: Record<string, number[]> = Object.fromEntries(defenders.map((d) => [d, []]));
  const pending: RoundOutcome[] = [];
  let current = state;
  for (let i = 0; i < roundsEach; i++) {
    for (const defender of defenders) {
      const complexity = complexityFor(current, pairingOf(defender));
      complexities[defender]?.push(complexity);
      const defended = prng.next() < (skills[defender] as number) ** complexity;
      pending.push({
        ...pairingOf(defender),
        complexity,
        outcome: defended ? "defended" : "attack_succeeded",
      });
      while (pending.length >= (options.inFlight ?? 1) * defenders.length)
        current = updateDifficulty(current, pending.shift() as RoundOutcome);
      if (defended && i >= roundsEach / 2) late[defender] = (late[defender] as number) + 1;
    }
  }
  const lateSuccessRate = Object.fromEntries(
    defenders.map((d) => [d, (late[d] as number) / (roundsEach / 2)]),
  );
  return { lateSuccessRate, complexities };
}

/**
 * Where the defender succeeds about half the time: the complexities whose success rates bracket the target (or
 * the end of the scale it is beyond), and any whose rate is within 0.15 of it.
 */
function aboutHalf(skill: number, target = 0.5): number[] {
  const rates = [1, 2, 3, 4, 5].map((c) => skill ** c);
  const easier = rates.findLastIndex((p) => p > target);
  const bracket = easier < 0 ? [1] : easier === 4 ? [5] : [easier + 1, easier + 2];
  const near = rates.flatMap((p, i) => (Math.abs(p - target) <= 0.15 ? [i + 1] : []));
  return [...new Set([...bracket, ...near])];
}

describe("difficulty targeting against a simulated defender (success = skill^complexity)", () => {
  const skills = { weak: 0.6, steady: 0.7, strong: 0.8, stronger: 0.85 };
  const roundsEach = 400;

  it("reaches the complexity where the defender succeeds about half the time within a few rounds", () => {
    for (const [name, skill] of Object.entries(skills)) {
      const reachedAt: number[] = [];
      for (let seed = 1; seed <= 40; seed++) {
        const { complexities } = simulate(createDifficultyState(ADAPTIVE), { [name]: skill }, 30, { seed });
        reachedAt.push((complexities[name] as number[]).findIndex((c) => aboutHalf(skill).includes(c)));
      }
      reachedAt.sort((a, b) => a - b);
      // Every one of 40 runs gets there within 30 rounds, nine in ten within 6, from complexity 3.
      expect(reachedAt[0], name).toBeGreaterThanOrEqual(0);
      expect(reachedAt[Math.floor(reachedAt.length * 0.9)], name).toBeLessThanOrEqual(6);
    }
  });

  it("then holds the success rate near the target, mixing two complexities where none is exact", () => {
    const { lateSuccessRate, complexities } = simulate(createDifficultyState(ADAPTIVE), skills, roundsEach);
    for (const name of Object.keys(skills)) expect(lateSuccessRate[name], name).toBeCloseTo(0.5, 1);
    // The weak defender succeeds 0.6 of the time at complexity 1 and 0.36 at 2: it gets a mix of both.
    const weakLate = (complexities.weak as number[]).slice(roundsEach / 2);
    expect(new Set(weakLate)).toEqual(new Set([1, 2]));
  });

  it("beats fixed complexities 1 and 5 at holding the target, with rounds in flight too", () => {
    for (const inFlight of [1, 4]) {
      const adaptive = simulate(createDifficultyState(ADAPTIVE), skills, roundsEach, { inFlight });
      const easiest = simulate(fixedAt(1), skills, roundsEach).lateSuccessRate;
      const hardest = simulate(fixedAt(5), skills, roundsEach).lateSuccessRate;
      for (const defender of Object.keys(skills)) {
        const miss = Math.abs((adaptive.lateSuccessRate[defender] as number) - 0.5);
        expect(miss, `${defender}, ${inFlight} in flight`).toBeLessThan(0.12);
        expect(miss).toBeLessThan(Math.abs((easiest[defender] as number) - 0.5));
        expect(miss).toBeLessThan(Math.abs((hardest[defender] as number) - 0.5));
      }
    }
  });

  it("aims at a target other than one half", () => {
    const target = 0.7;
    const config = { ...ADAPTIVE, targetDefenderSuccess: target };
    const adaptive = simulate(createDifficultyState(config), { expert: 0.9 }, roundsEach).lateSuccessRate
      .expert as number;
    expect(adaptive).toBeCloseTo(target, 1);
  });

  it("moves one complexity at a time", () => {
    const { complexities } = simulate(createDifficultyState(ADAPTIVE), skills, roundsEach);
    for (const series of Object.values(complexities))
      for (let i = 1; i < series.length; i++)
        expect(Math.abs((series[i] as number) - (series[i - 1] as number))).toBeLessThanOrEqual(1);
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
    // One step per defence: 4, 5, then it stays.
    expect(complexities.slice(0, 3)).toEqual([4, 5, 5]);
    expect(complexities.at(-1)).toBe(5);
    expect(complexities.every((c, i) => i === 0 || c >= (complexities[i - 1] as number))).toBe(true);
    // A hundred defences at 5 take a while to outweigh, but the complexity comes all the way down.
    for (let i = 0; i < 400; i++)
      state = updateDifficulty(state, round(complexityFor(state, antBee), "attack_succeeded"));
    expect(complexityFor(state, antBee)).toBe(1);
  });

  it("ignores invalid questions and, when not adaptive, everything; counts rounds opened at another complexity", () => {
    const start = createDifficultyState(ADAPTIVE);
    expect(play(start, Array(50).fill(round(3, "invalid_question")))).toEqual(start);
    // A round lost at 4, reported after the pairing came back to 3: it still says 3 may be too hard.
    expect(complexityFor(play(start, [round(4, "attack_succeeded")]), antBee)).toBe(2);
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
    const corrupt = {
      ...state,
      pairings: { "ant->bee": { complexity: 7, played: [0, 0, 1, 0, 0], defended: [0, 0, 1, 0, 0] } },
    };
    expect(DifficultyState.safeParse(corrupt).success).toBe(false);
  });

  it("refuses a prior that would never let the complexity move, or never hold it", () => {
    expect(() => createDifficultyState(ADAPTIVE, { priorRounds: 0 })).toThrow(ConfigError);
    expect(() => createDifficultyState(ADAPTIVE, { priorRounds: 100 })).toThrow(/priorRounds/);
  });

  it("estimates success per complexity as non-increasing, pooling what contradicts that", () => {
    const estimates = successEstimates(
      { target: 0.5, priorRounds: 1 },
      { played: [0, 4, 4, 0, 0], defended: [0, 1, 3, 0, 0] },
    );
    for (let i = 1; i < estimates.length; i++)
      expect(estimates[i] as number).toBeLessThanOrEqual(estimates[i - 1] as number);
    // Complexities 2 and 3 pooled: 4 defences in 8 rounds, with the prior, is one half.
    expect(estimates[1]).toBeCloseTo(0.5);
    expect(estimates[2]).toBeCloseTo(0.5);
  });
});

describe("difficulty state from an older snapshot", () => {
  it("keeps a pairing's complexity and counts afresh, instead of failing the resumed run", () => {
    const state = createDifficultyState(ADAPTIVE);
    const old = {
      ...state,
      pairings: { "ant->bee": { level: 4.2, complexity: 4 } },
    } as unknown as DifficultyState;
    const next = updateDifficulty(old, {
      attacker: "ant",
      defender: "bee",
      complexity: 4,
      outcome: "defended",
    });
    expect(complexityFor(next, { attacker: "ant", defender: "bee" })).toBe(5);
  });
});
