import { describe, expect, it } from "vitest";
import { ConfigError } from "../../protocol/errors.ts";
import { createPairings } from "../../tournament/pairings.ts";
import { createTopicRotation } from "../../tournament/rotation.ts";

const DOMAINS = ["math", "logic", "physics"];
const SKILLS = ["algebra", "geometry", "counting", "probability"];

describe("domain rotation", () => {
  it("visits every domain once in each run of domains.length rounds", () => {
    const { domainFor } = createTopicRotation({ domains: DOMAINS, seed: 3 });
    for (let start = 0; start < 300; start += DOMAINS.length) {
      const turn = DOMAINS.map((_, i) => domainFor(start + i));
      expect(turn.sort()).toEqual([...DOMAINS].sort());
    }
  });

  it("does not lock a pairing to a domain when the cycles line up", () => {
    const domains = ["math", "logic"];
    const { domainFor } = createTopicRotation({ domains, seed: 3 });
    const { pairingFor } = createPairings({
      models: ["ant", "bee"],
      pairing: "round-robin",
      swapEvery: 1,
      selfPlay: true,
      seed: 3,
    });
    const rounds = Array.from({ length: 400 }, (_, seq) => ({ ...pairingFor(seq), domain: domainFor(seq) }));
    const antAttacks = rounds.filter((round) => round.attacker === "ant");
    const inMath = antAttacks.filter((round) => round.domain === "math").length / antAttacks.length;
    expect(inMath).toBeGreaterThan(0.4);
    expect(inMath).toBeLessThan(0.6);
  });

  it("is reproducible from the seed", () => {
    const sequence = (seed: number) => {
      const { domainFor, skillFor } = createTopicRotation({ domains: DOMAINS, seed });
      return Array.from({ length: 60 }, (_, seq) => `${domainFor(seq)}/${skillFor(seq, SKILLS)}`);
    };
    expect(sequence(5)).toEqual(sequence(5));
    expect(sequence(6)).not.toEqual(sequence(5));
  });
});

describe("skill choice", () => {
  it("gives each skill once in every skills.length visits to a domain", () => {
    const { domainFor, skillFor } = createTopicRotation({ domains: DOMAINS, seed: 9 });
    const visits = Array.from({ length: 240 }, (_, seq) => seq).filter((seq) => domainFor(seq) === "logic");
    const skills = visits.map((seq) => skillFor(seq, SKILLS));
    for (let start = 0; start < skills.length; start += SKILLS.length) {
      expect(skills.slice(start, start + SKILLS.length).sort()).toEqual([...SKILLS].sort());
    }
    expect(skills.slice(0, SKILLS.length)).not.toEqual(skills.slice(SKILLS.length, 2 * SKILLS.length));
  });

  it("refuses an empty domain list or skill list", () => {
    expect(() => createTopicRotation({ domains: [], seed: 1 })).toThrow(ConfigError);
    const { skillFor } = createTopicRotation({ domains: ["math"], seed: 1 });
    expect(() => skillFor(0, [])).toThrow(/domain "math" lists no skills/);
  });
});
