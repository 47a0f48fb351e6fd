import { describe, expect, it } from "vitest";
import { emptyLiveElo, expectedDefence, LiveElo, updateLiveElo } from "../../tournament/elo.ts";
import { createPrng } from "../../tournament/prng.ts";
import type { RoundOutcome } from "../../tournament/round-outcome.ts";

function round(attacker: string, defender: string, outcome: RoundOutcome["outcome"]): RoundOutcome {
  return { attacker, defender, outcome, complexity: 3 };
}

describe("expected defence", () => {
  it("is even at equal ratings and 10:1 at 400 points", () => {
    expect(expectedDefence(1500, 1500)).toBeCloseTo(0.5);
    expect(expectedDefence(1900, 1500)).toBeCloseTo(10 / 11);
    expect(expectedDefence(1500, 1900)).toBeCloseTo(1 / 11);
  });
});

describe("live Elo", () => {
  it("moves the defender up by what the attacker loses after a defence", () => {
    const elo = updateLiveElo(emptyLiveElo(), round("ant", "bee", "defended"), 20);
    expect(elo.defence.bee).toBeCloseTo(1510);
    expect(elo.attack.ant).toBeCloseTo(1490);
    const next = updateLiveElo(elo, round("ant", "bee", "attack_succeeded"), 20);
    const change = 20 * expectedDefence(1510, 1490);
    expect(next.defence.bee).toBeCloseTo(1510 - change);
    expect(next.attack.ant).toBeCloseTo(1490 + change);
  });

  it("ignores invalid questions and leaves the given state untouched", () => {
    const start = emptyLiveElo();
    expect(updateLiveElo(start, round("ant", "bee", "invalid_question"))).toEqual(start);
    updateLiveElo(start, round("ant", "bee", "defended"));
    expect(start).toEqual({ attack: {}, defence: {} });
  });

  it("orders defenders by skill over a seeded run, as a plain object that survives JSON", () => {
    const skill: Record<string, number> = { ant: 0.3, bee: 0.8 };
    const prng = createPrng(2);
    let elo = emptyLiveElo();
    for (let i = 0; i < 400; i++) {
      const defender = i % 2 === 0 ? "ant" : "bee";
      const defended = prng.next() < (skill[defender] as number);
      elo = updateLiveElo(elo, round("cat", defender, defended ? "defended" : "attack_succeeded"));
    }
    const restored = LiveElo.parse(JSON.parse(JSON.stringify(elo)));
    expect(restored.defence.bee as number).toBeGreaterThan((restored.defence.ant as number) + 200);
  });
});
