import { describe, expect, test } from "vitest";
import { CurationConfig } from "../../config/topology.ts";
import { bucketCapacity, bucketsWanting } from "../../curation/mix-quota.ts";
import { decideCuration, type PolicyInput } from "../../curation/policy.ts";

const goodVerdict = { valid: true, level: "L4", outcome: "attack_succeeded" } as const;

type Overrides = Partial<Omit<PolicyInput, "config">> & { config?: Partial<CurationConfig> };

function input(overrides: Overrides = {}): PolicyInput {
  const { config, ...rest } = overrides;
  return {
    config: CurationConfig.parse({ target: 10, levels: ["L4"], ...config }),
    verdict: goodVerdict,
    ...rest,
  };
}

describe("decideCuration", () => {
  test("keeps a valid L4 successful attack and says so", () => {
    expect(decideCuration(input())).toEqual({
      accept: true,
      reason: "kept: L4 attack succeeded",
    });
  });

  test.each([
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

  test("never turns a judged, good sample away for the target or the mix: those are kept at opening", () => {
    const config = { target: 1, complexityMix: { "2": 1 }, domainMix: { medical: 1 } };
    expect(decideCuration(input({ config })).accept).toBe(true);
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

describe("bucketsWanting", () => {
  const demand = { mix: { "2": 1, "3": 2, "4": 1 }, target: 8, held: {}, inFlight: {}, acceptRate: 0.5 };

  test("orders buckets by how many samples they still want, and drops the ones that want none", () => {
    expect(bucketsWanting(["2", "3", "4"], demand)).toEqual(["3", "2", "4"]);
    const held = { "3": 4, "2": 1 };
    expect(bucketsWanting(["2", "3", "4"], { ...demand, held })).toEqual(["4", "2"]);
  });

  test("counts rounds in flight at the acceptance rate", () => {
    // Complexity 2 may hold 2: one kept and two in flight at one in two fill it.
    expect(bucketsWanting(["2"], { ...demand, held: { "2": 1 }, inFlight: { "2": 2 } })).toEqual([]);
    expect(bucketsWanting(["2"], { ...demand, held: { "2": 1 }, inFlight: { "2": 1 } })).toEqual(["2"]);
  });

  test("without a mix, every candidate is wanted, in order", () => {
    expect(bucketsWanting(["math", "medical"], { ...demand, mix: undefined })).toEqual(["math", "medical"]);
  });
});
