import { describe, expect, it } from "vitest";
import type { Outcome } from "../../protocol/schemas.ts";
import { POINTS_PER_LOGIT } from "../../tournament/elo.ts";
import { createPairings } from "../../tournament/pairings.ts";
import { createPrng } from "../../tournament/prng.ts";
import { type StandingsRow, standings } from "../../tournament/ratings.ts";
import type { RoundOutcome } from "../../tournament/round-outcome.ts";

/** Each model's chance of defending, whoever attacks: the attackers are equally strong. */
const DEFENDER_SKILL: Record<string, number> = { alpha: 0.5, bravo: 0.9, charlie: 0.7 };
const MODELS = Object.keys(DEFENDER_SKILL);

/** Against the average attacker, P(defended) = p means a defence rating of 1500 + logit(p) on the Elo scale. */
function trueDefenceRating(model: string): number {
  const p = DEFENDER_SKILL[model] as number;
  return 1500 + Math.log(p / (1 - p)) * POINTS_PER_LOGIT;
}

function simulateTournament(games: number, seed: number): RoundOutcome[] {
  const { pairingFor } = createPairings({
    models: MODELS,
    pairing: "round-robin",
    swapEvery: 1,
    selfPlay: true,
    seed,
  });
  const prng = createPrng(seed);
  return Array.from({ length: games }, (_, seq) => {
    const pairing = pairingFor(seq);
    const defended = prng.next() < (DEFENDER_SKILL[pairing.defender] as number);
    return { ...pairing, complexity: 3, outcome: defended ? "defended" : "attack_succeeded" };
  });
}

function halfWidth(row: StandingsRow): number {
  return (row.defence.ci95[1] - row.defence.ci95[0]) / 2;
}

function round(attacker: string, defender: string, outcome: Outcome): RoundOutcome {
  return { attacker, defender, outcome, complexity: 2 };
}

describe("standings from a simulated tournament", () => {
  it("ranks defenders of skill 0.9, 0.7, 0.5 in that order after a few hundred games", () => {
    const rows = standings(simulateTournament(600, 21));
    expect(rows.map((row) => row.model)).toEqual(["bravo", "charlie", "alpha"]);
    const [best, , worst] = rows as [StandingsRow, StandingsRow, StandingsRow];
    expect(best.defence.ci95[0]).toBeGreaterThan(worst.defence.ci95[1]);
  });

  it("narrows the confidence intervals as games grow", () => {
    const few = standings(simulateTournament(60, 4));
    const many = standings(simulateTournament(600, 4));
    for (const model of MODELS) {
      const before = halfWidth(few.find((row) => row.model === model) as StandingsRow);
      const after = halfWidth(many.find((row) => row.model === model) as StandingsRow);
      // Ten times the games: the Fisher interval should shrink by about sqrt(10).
      expect(after).toBeLessThan(before / 2);
    }
  });

  it("gives 95% intervals that hold the true rating about 95% of the time", () => {
    const tournaments = 40;
    let defenceHits = 0;
    let attackHits = 0;
    for (let seed = 1; seed <= tournaments; seed++) {
      for (const row of standings(simulateTournament(300, seed))) {
        const truth = trueDefenceRating(row.model);
        if (row.defence.ci95[0] <= truth && truth <= row.defence.ci95[1]) defenceHits++;
        if (row.attack.ci95[0] <= 1500 && 1500 <= row.attack.ci95[1]) attackHits++;
      }
    }
    const intervals = tournaments * MODELS.length;
    expect(defenceHits / intervals).toBeGreaterThan(0.88);
    expect(attackHits / intervals).toBeGreaterThan(0.88);
    expect(defenceHits / intervals).toBeLessThan(1);
  });

  it("rates the attacker who breaks defences more often higher", () => {
    const prng = createPrng(8);
    const breakChance: Record<string, number> = { ant: 0.2, bee: 0.6 };
    const outcomes = Array.from({ length: 400 }, (_, i): RoundOutcome => {
      const attacker = i % 2 === 0 ? "ant" : "bee";
      const breaks = prng.next() < (breakChance[attacker] as number);
      return round(attacker, "judge-me", breaks ? "attack_succeeded" : "defended");
    });
    const rows = standings(outcomes);
    const attack = (model: string) => (rows.find((row) => row.model === model) as StandingsRow).attack;
    expect(attack("bee").ci95[0]).toBeGreaterThan(attack("ant").ci95[1]);
  });
});

describe("standings bookkeeping", () => {
  it("counts games, wins, defences and invalid questions per model", () => {
    const rows = standings([
      round("ant", "bee", "defended"),
      round("ant", "bee", "attack_succeeded"),
      round("bee", "ant", "defended"),
      round("bee", "ant", "invalid_question"),
      round("bee", "bee", "attack_succeeded"),
    ]);
    const byModel = Object.fromEntries(rows.map((row) => [row.model, row]));
    expect(byModel.ant).toMatchObject({
      games: 3,
      attackWins: 1,
      defences: 1,
      invalid: 0,
      defenderSuccessRate: 1,
    });
    expect(byModel.bee).toMatchObject({ games: 4, attackWins: 1, defences: 1, invalid: 1 });
    expect(byModel.bee?.defenderSuccessRate).toBeCloseTo(1 / 3);
  });

  it("keeps a model that defends every time finite and on top", () => {
    const outcomes = [
      ...Array.from({ length: 20 }, () => round("ant", "bee", "defended")),
      ...Array.from({ length: 20 }, () => round("bee", "ant", "attack_succeeded")),
    ];
    const [top, bottom] = standings(outcomes) as [StandingsRow, StandingsRow];
    expect(top.model).toBe("bee");
    expect(Number.isFinite(top.defence.rating) && Number.isFinite(top.defence.ci95[1])).toBe(true);
    expect(top.defence.rating - bottom.defence.rating).toBeGreaterThan(400);
  });

  it("lists models that have not played yet at 1500, with no success rate", () => {
    const rows = standings([], ["ant", "bee"]);
    expect(rows.map((row) => row.model)).toEqual(["ant", "bee"]);
    for (const row of rows) {
      expect(row.defence.rating).toBeCloseTo(1500);
      expect(row.defence.ci95[0]).toBeLessThan(1500);
      expect(row.defence.ci95[1]).toBeGreaterThan(1500);
      expect(row).toMatchObject({ games: 0, invalid: 0, defenderSuccessRate: null });
    }
  });

  it("counts only invalid questions against a model whose questions were all invalid", () => {
    const rows = standings([
      round("ant", "bee", "invalid_question"),
      round("ant", "bee", "invalid_question"),
    ]);
    const ant = rows.find((row) => row.model === "ant");
    expect(ant).toMatchObject({ games: 0, attackWins: 0, invalid: 2 });
    expect(ant?.attack.rating).toBeCloseTo(1500);
  });
});
