import { describe, expect, test } from "vitest";
import { CurationConfig } from "../../config/topology.ts";
import {
  emptyTally,
  summariseCuration,
  tallyAccepted,
  tallyRejected,
} from "../../curation/curation-summary.ts";
import {
  type AcceptedCounts,
  bucketCapacity,
  decideCuration,
  type PolicyInput,
} from "../../curation/policy.ts";

const none: AcceptedCounts = { total: 0, byComplexity: {}, byDomain: {} };
const goodVerdict = { valid: true, level: "L4", outcome: "attack_succeeded" } as const;

type Overrides = Partial<Omit<PolicyInput, "config">> & { config?: Partial<CurationConfig> };

function input(overrides: Overrides = {}): PolicyInput {
  const { config, ...rest } = overrides;
  return {
    config: CurationConfig.parse({ target: 10, levels: ["L4"], ...config }),
    verdict: goodVerdict,
    complexity: 3,
    domain: "math",
    counts: none,
    ...rest,
  };
}

describe("decideCuration", () => {
  test("keeps a valid L4 successful attack and says so", () => {
    expect(decideCuration(input())).toEqual({
      accept: true,
      reason: "kept: L4 attack succeeded, complexity 3, math (1 of 10)",
    });
  });

  test.each([
    ["target_reached", input({ counts: { ...none, total: 10 } })],
    ["invalid_question", input({ verdict: { valid: false } })],
    [
      "outcome_policy",
      input({ config: { accept: "attacks_only" }, verdict: { ...goodVerdict, outcome: "defended" } }),
    ],
    ["quality_band", input({ verdict: { ...goodVerdict, level: "L3" } })],
  ])("rejects with %s", (code, policyInput) => {
    const decision = decideCuration(policyInput);
    expect(decision).toMatchObject({ accept: false, reasonCode: code });
    expect(decision.reason.length).toBeGreaterThan(10);
  });

  test("keeps well-defended items in the band when the policy allows them", () => {
    const defended = { ...goodVerdict, outcome: "defended" } as const;
    expect(decideCuration(input({ verdict: defended })).accept).toBe(true);
  });

  test("fills the complexity mix as shares of the target and refuses a full or unlisted bucket", () => {
    const config = { target: 10, complexityMix: { "3": 0.3, "4": 0.7 } };
    const at = (held: number, complexity = 3) =>
      decideCuration(
        input({ config, complexity, counts: { total: held, byComplexity: { "3": held }, byDomain: {} } }),
      );
    expect(at(2).accept).toBe(true);
    expect(at(3)).toMatchObject({
      accept: false,
      reasonCode: "mix_full",
      reason: "complexity 3 is full (3 of its 3)",
    });
    expect(at(0, 5)).toMatchObject({
      accept: false,
      reasonCode: "mix_full",
      reason: "complexity 5 has no share in curation.complexityMix",
    });
  });

  test("applies the domain mix the same way", () => {
    const config = { target: 4, domainMix: { math: 1, medical: 1 } };
    const counts = { total: 2, byComplexity: {}, byDomain: { math: 2 } };
    expect(decideCuration(input({ config, counts, domain: "math" }))).toMatchObject({
      reasonCode: "mix_full",
    });
    expect(decideCuration(input({ config, counts, domain: "medical" })).accept).toBe(true);
  });
});

describe("bucketCapacity", () => {
  test("rounds shares up so the buckets can always reach the target", () => {
    const mix = { "1": 1, "2": 1, "3": 1 };
    const capacities = ["1", "2", "3"].map((b) => bucketCapacity(mix, b, 10) ?? 0);
    expect(capacities).toEqual([4, 4, 4]);
    expect(bucketCapacity(undefined, "1", 10)).toBeUndefined();
  });
});

describe("summariseCuration", () => {
  test("counts what was kept and explains each rejection reason, largest first", () => {
    let tally = emptyTally();
    tally = tallyAccepted(tally, { complexity: 3, domain: "math" });
    tally = tallyAccepted(tally, { complexity: 4, domain: "math" });
    for (const reason of ["duplicate", "quality_band", "duplicate", "contaminated"] as const)
      tally = tallyRejected(tally, reason);
    expect(tally.accepted).toEqual({ total: 2, byComplexity: { "3": 1, "4": 1 }, byDomain: { math: 2 } });

    const summary = summariseCuration(CurationConfig.parse({ target: 5, levels: ["L4", "L5"] }), tally);
    expect(summary).toMatchObject({ kept: 2, target: 5, rejected: 4 });
    expect(summary.byReason.map((r) => [r.reason, r.count])).toEqual([
      ["duplicate", 2],
      ["contaminated", 1],
      ["quality_band", 1],
    ]);
    expect(summary.text).toContain("- 1 quality_band: reasoning level outside L4, L5");
    expect(summary.text.split("\n")[0]).toBe(
      "Kept 2 of the 5-sample target (levels L4, L5, attacks and defended).",
    );
  });
});
