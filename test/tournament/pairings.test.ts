import { describe, expect, it } from "vitest";
import { ConfigError } from "../../protocol/errors.ts";
import { createPairings, type Pairing, type PairingOptions } from "../../tournament/pairings.ts";

const MODELS = ["ant", "bee", "cat"];

function options(overrides: Partial<PairingOptions> = {}): PairingOptions {
  return { models: MODELS, pairing: "round-robin", swapEvery: 1, selfPlay: true, seed: 11, ...overrides };
}

function play(pairingFor: (seq: number) => Pairing, rounds: number): Pairing[] {
  return Array.from({ length: rounds }, (_, seq) => pairingFor(seq));
}

function countOrderedPairs(pairings: readonly Pairing[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { attacker, defender } of pairings) {
    const key = `${attacker}>${defender}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const ALL_ORDERED_PAIRS = MODELS.flatMap((a) => MODELS.filter((d) => d !== a).map((d) => `${a}>${d}`)).sort();

describe("round-robin pairings", () => {
  it("covers every ordered pair once per cycle, so every model attacks and defends against every other", () => {
    const { pairingFor } = createPairings(options());
    const cycle = play(pairingFor, MODELS.length * (MODELS.length - 1));
    const counts = countOrderedPairs(cycle);
    expect([...counts.keys()].sort()).toEqual(ALL_ORDERED_PAIRS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("repeats the cycle", () => {
    const { pairingFor } = createPairings(options({ swapEvery: 2 }));
    const cycleLength = 2 * MODELS.length * (MODELS.length - 1);
    for (let seq = 0; seq < cycleLength; seq++)
      expect(pairingFor(seq + cycleLength)).toEqual(pairingFor(seq));
  });

  it("swaps attacker and defender every k rounds", () => {
    const k = 3;
    const { pairingFor } = createPairings(options({ swapEvery: k }));
    const rounds = play(pairingFor, 4 * k * MODELS.length);
    for (let seq = 0; seq < rounds.length - k; seq++) {
      const first = rounds[seq] as Pairing;
      const later = rounds[seq + k] as Pairing;
      if (seq % (2 * k) < k) expect(later).toEqual({ attacker: first.defender, defender: first.attacker });
      if (seq % k !== k - 1) expect(rounds[seq + 1]).toEqual(first);
    }
    const counts = countOrderedPairs(play(pairingFor, k * MODELS.length * (MODELS.length - 1)));
    expect([...counts.values()]).toEqual(ALL_ORDERED_PAIRS.map(() => k));
  });
});

describe("random pairings", () => {
  const rounds = 6000;

  it("draws distinct models, reproducibly from the seed", () => {
    const first = play(createPairings(options({ pairing: "random" })).pairingFor, rounds);
    const again = play(createPairings(options({ pairing: "random" })).pairingFor, rounds);
    const otherSeed = play(createPairings(options({ pairing: "random", seed: 12 })).pairingFor, rounds);
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
    expect(first.every(({ attacker, defender }) => attacker !== defender)).toBe(true);
  });

  it("plays every ordered pair about equally often and still swaps roles", () => {
    const { pairingFor } = createPairings(options({ pairing: "random", swapEvery: 2 }));
    const played = play(pairingFor, rounds);
    const counts = countOrderedPairs(played);
    const expected = rounds / ALL_ORDERED_PAIRS.length;
    expect([...counts.keys()].sort()).toEqual(ALL_ORDERED_PAIRS);
    for (const n of counts.values()) expect(Math.abs(n - expected)).toBeLessThan(0.15 * expected);
    for (let seq = 0; seq < rounds; seq += 4) {
      const { attacker, defender } = played[seq] as Pairing;
      expect(played[seq + 2]).toEqual({ attacker: defender, defender: attacker });
    }
  });
});

describe("pairing a field of one", () => {
  it("lets a lone model play itself with selfPlay", () => {
    const { pairingFor } = createPairings(options({ models: ["solo"] }));
    expect(play(pairingFor, 3)).toEqual(Array(3).fill({ attacker: "solo", defender: "solo" }));
  });

  it("refuses a lone model without selfPlay, and empty or duplicated model lists", () => {
    expect(() => createPairings(options({ models: ["solo"], selfPlay: false }))).toThrow(ConfigError);
    expect(() => createPairings(options({ models: [] }))).toThrow(ConfigError);
    expect(() => createPairings(options({ models: ["ant", "bee", "ant"] }))).toThrow(/"ant" is listed twice/);
  });
});
