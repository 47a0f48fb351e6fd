import { describe, expect, it } from "vitest";
import type { TopologyIssue } from "../../config/issues.ts";
import { parseTopology, TopologyError } from "../../config/load.ts";
import { BROKEN_TOPOLOGIES, editedTopology } from "./broken-topologies.ts";

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}): TopologyIssue[] {
  try {
    parseTopology(text, "t.yaml", env);
  } catch (err) {
    if (err instanceof TopologyError) return err.issues;
    throw err;
  }
  throw new Error("expected the topology to be rejected");
}

describe("topology validation", () => {
  it.each(BROKEN_TOPOLOGIES)("$mistake: names the field and hints at the fix", ({ text, path, hint }) => {
    const issues = issuesOf(text);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.hint).toMatch(hint);
  });

  it("reports cross-references beside schema errors that stop zod before its refinements", () => {
    const text = editedTopology((t) => {
      Object.assign(t.models[0] as object, { maxConcurrency: "many" });
      Object.assign(t.agents[3] as object, { model: "nobody" });
      Object.assign(t.agents[0] as object, { replicas: 3 });
      Object.assign(t, { tournament: { models: ["alpha", "beta"] } });
    });
    expect(issuesOf(text).map((i) => i.path)).toEqual([
      "models[0].maxConcurrency",
      "agents[0].replicas",
      "agents[3].model",
      "tournament.models[1]",
    ]);
  });

  it("lists a cross-reference once when zod's refinement and the loose pass both find it", () => {
    const text = editedTopology((t) => {
      Object.assign(t.agents[3] as object, { model: "nobody" });
      Object.assign(t, { run: { seeed: 1 } });
    });
    expect(issuesOf(text).map((i) => i.path)).toEqual(["run.seeed", "agents[3].model"]);
  });

  it("lists every missing environment variable and not the placeholder's schema errors", () => {
    const text = editedTopology((t) => {
      Object.assign(t.models[0] as object, { baseUrl: "${GPU_A}" });
      Object.assign(t.models[1] as object, { baseUrl: "${GPU_B}" });
    });
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["models[0].baseUrl", "environment variable GPU_A is not set"],
      ["models[1].baseUrl", "environment variable GPU_B is not set"],
    ]);
    expect(
      parseTopology(text, "t.yaml", { GPU_A: "http://a/v1", GPU_B: "http://b/v1" }).models[1]?.baseUrl,
    ).toBe("http://b/v1");
  });

  it("formats the error with a path and a hint per problem", () => {
    expect(() =>
      parseTopology(
        editedTopology((t) => Object.assign(t, { modles: [] })),
        "t.yaml",
        {},
      ),
    ).toThrow(
      't.yaml: invalid topology (1 problem)\n  - modles: unknown key "modles"\n      hint: did you mean "models"?',
    );
  });

  it("accepts a training section built from the trainer's own hyperparameter schema", () => {
    const topology = parseTopology(
      editedTopology((t) =>
        Object.assign(t, {
          training: { backend: "gpu-hosts", model: "alpha", hyperparameters: { epochs: 2, loraRank: 8 } },
        }),
      ),
      "t.yaml",
      {},
    );
    expect(topology.training).toMatchObject({
      backend: "gpu-hosts",
      model: "alpha",
      hyperparameters: { epochs: 2, loraRank: 8, batchSize: 4 },
    });
    const issues = issuesOf(
      editedTopology((t) =>
        Object.assign(t, { training: { baseModel: "m", hyperparameters: { epoch: 2 } } }),
      ),
    );
    expect(issues).toContainEqual({
      path: "training.hyperparameters.epoch",
      message: 'unknown key "epoch"',
      hint: 'did you mean "epochs"?',
    });
    expect(issues.map((i) => i.message)).toContain("the openai backend has no fine-tuning API to call");
  });
});
