import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../log/logger.ts";
import { fineTunedSkill } from "../../packages/sim/src/fine-tuning.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import { writeChatJsonl } from "../../trainer/chat-export.ts";
import { followJob } from "../../trainer/follow-job.ts";
import { OpenAIFineTuningBackend } from "../../trainer/openai-backend.ts";
import { QUICK, trainingBackendSpec } from "./backend-spec.ts";
import { samples } from "./fixtures/samples.ts";

const BASE = "sim-base";

function startSim(): Promise<Simulator> {
  return startSimulator(SimulatorConfig.parse({ models: [{ name: BASE, skill: 0.6 }] }), {
    logger: silentLogger(),
  });
}

trainingBackendSpec("OpenAI-compatible fine-tuning API (simulator)", async () => {
  const sim = await startSim();
  return {
    backend: new OpenAIFineTuningBackend({ baseUrl: sim.url, baseModel: BASE, env: {} }),
    cleanup: () => sim.close(),
  };
});

describe("fine-tuning on the simulator", () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSim();
    dir = await mkdtemp(join(tmpdir(), "nanoflux-ft-"));
  });
  afterAll(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("names the model ft:<base>:nanoflux:<id> and makes it stronger than its base", async () => {
    const backend = new OpenAIFineTuningBackend({ baseUrl: sim.url, baseModel: BASE, env: {} });
    const file = join(dir, "train.jsonl");
    await writeChatJsonl(samples(40), file);
    const job = await followJob(backend, await backend.submit({ runId: "run-x", file, samples: 40 }, QUICK), {
      pollMs: 25,
    });
    expect(job.fineTunedModel).toMatch(new RegExp(`^ft:${BASE}:nanoflux:ftjob-`));
    const tuned = sim.skills.skillOf(job.fineTunedModel ?? "");
    expect(tuned).toBeCloseTo(fineTunedSkill(0.6, 40), 10);
    expect(tuned).toBeGreaterThan(sim.skills.skillOf(BASE));
  });

  it("rejects an upload that is not chat JSONL, naming the line", async () => {
    const form = new FormData();
    form.append("purpose", "fine-tune");
    const lines =
      '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"}]}\n{"prompt":"x"}\n';
    form.append("file", new Blob([lines]), "bad.jsonl");
    const response = await fetch(`${sim.url}/files`, { method: "POST", body: form });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/line 2 is not a chat example/);
  });

  it("lists jobs newest first", async () => {
    const response = await fetch(`${sim.url}/fine_tuning/jobs`);
    const body = (await response.json()) as { data: { id: string; status: string }[] };
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.map((job) => job.id)).toEqual([...body.data.map((job) => job.id)].sort().reverse());
  });
});

describe("fineTunedSkill", () => {
  it("grows with the dataset, stays below 1 and is capped", () => {
    expect(fineTunedSkill(0.6, 10)).toBeGreaterThan(0.6);
    expect(fineTunedSkill(0.6, 500)).toBeGreaterThan(fineTunedSkill(0.6, 50));
    expect(fineTunedSkill(0.6, 1e9)).toBeCloseTo(0.8, 10);
  });
});
