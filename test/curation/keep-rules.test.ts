import { describe, expect, test } from "vitest";
import { CurationConfig } from "../../config/topology.ts";
import { assertRunKeepRules } from "../../curation/keep-rules.ts";
import { ConfigError } from "../../protocol/errors.ts";

const recorded = (curation: Record<string, unknown>) => ({
  name: "t",
  curation: JSON.parse(JSON.stringify(CurationConfig.parse(curation))),
});

describe("every curator of a run keeps by the run's rules", () => {
  test("the same rules pass, whatever folder the benchmark files sit in", () => {
    const run = recorded({ decontamination: { benchmarks: ["/host-a/bench/gsm8k.jsonl"] } });
    const here = CurationConfig.parse({ decontamination: { benchmarks: ["/host-b/data/gsm8k.jsonl"] } });
    expect(() => assertRunKeepRules("r1", run, here)).not.toThrow();
  });

  test.each([
    ["noveltyThreshold", { noveltyThreshold: 0.95 }],
    ["levels", { levels: ["L3", "L4"] }],
    ["embedder", { embedder: { kind: "openai", model: "emb" } }],
    ["decontamination.benchmarks", { decontamination: { benchmarks: [] } }],
    [
      "decontamination.ngramOverlap",
      { decontamination: { benchmarks: ["/b/gsm8k.jsonl"], ngramOverlap: 0.9 } },
    ],
  ])("a curator whose %s differs is refused, naming the field", (field, differing) => {
    const run = recorded({ decontamination: { benchmarks: ["/b/gsm8k.jsonl"] } });
    const here = CurationConfig.parse({ decontamination: { benchmarks: ["/b/gsm8k.jsonl"] }, ...differing });
    let error: unknown;
    try {
      assertRunKeepRules("r1", run, here);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`curation.${field}:`);
    expect((error as Error).message).toContain("join with the topology the run was started with");
  });

  test("a run recorded without a curation section is not the same rules", () => {
    expect(() => assertRunKeepRules("r1", { name: "t" }, CurationConfig.parse({}))).toThrow(ConfigError);
  });
});
