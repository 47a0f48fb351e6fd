import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeliverPolicy } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainerAgent } from "../../agents/trainer/trainer-agent.ts";
import { Bus } from "../../bus/bus.ts";
import { AgentConfig, Topology } from "../../config/topology.ts";
import { hostAgent, type RunningAgent } from "../../host/host.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import type { RoundClosed, RunCompleted } from "../../protocol/messages.ts";
import { runStageSubject, STAGES, STREAM_NAME } from "../../protocol/subjects.ts";
import { TrainingJob, TrainingUpdated } from "../../protocol/training.ts";
import { AT, spec } from "../support/fixtures.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { samples } from "./fixtures/samples.ts";

const RUN = "run-agent";

function closedRound(sample: RoundClosed["sample"] & object): RoundClosed {
  return {
    type: "round.closed.v1",
    runId: RUN,
    at: AT,
    producer: "curator",
    spec: spec({ runId: RUN, roundId: sample.roundId }),
    status: "accepted",
    reason: "in the quality band",
    stage: "curator",
    sample: { ...sample, runId: RUN },
  };
}

const completed: RunCompleted = {
  type: "run.completed.v1",
  runId: RUN,
  at: AT,
  producer: "scheduler",
  status: "target_reached",
  reason: "target reached",
  accepted: 8,
  rounds: 8,
};

async function trainingUpdates(bus: Bus): Promise<TrainingUpdated[]> {
  const subject = runStageSubject(RUN, STAGES.trainingUpdated);
  const consumer = await bus.js.consumers.get(STREAM_NAME, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.All,
  });
  const updates: TrainingUpdated[] = [];
  for (let pending = (await consumer.info()).num_pending; pending > 0; ) {
    const batch = await consumer.fetch({ max_messages: pending, expires: 2000 });
    for await (const msg of batch) {
      pending = msg.info.pending;
      const parsed = TrainingUpdated.safeParse(msg.json());
      if (parsed.success) updates.push(parsed.data);
    }
  }
  return updates;
}

describe("Trainer agent on the bus", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let sim: Simulator;
  let bus: Bus;
  let runDir: string;
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    nats = await startTestNats();
    sim = await startSimulator(SimulatorConfig.parse({ models: [{ name: "sim-base", skill: 0.6 }] }), {
      logger: silentLogger(),
    });
    bus = await Bus.open({ servers: nats.url, name: "trainer-test", logger: silentLogger() });
    runDir = await mkdtemp(join(tmpdir(), "nanoflux-trainer-agent-"));
  });
  afterAll(async () => {
    await agent?.stop();
    await bus?.close();
    await sim?.close();
    await nats?.cleanup();
    await rm(runDir, { recursive: true, force: true });
  });

  it("fine-tunes on the run's accepted samples once the run reaches its target, publishing each state once", async () => {
    for (const sample of samples(8))
      await bus.publishEvent(closedRound(sample), `${RUN}:${sample.roundId}:round.closed`);
    const topology = Topology.parse({
      models: [{ id: "base", baseUrl: sim.url, model: "sim-base" }],
      agents: [{ type: "scheduler" }],
      run: { ackWaitMs: 5000 },
    });
    const config = AgentConfig.parse({
      type: "trainer",
      model: "base",
      options: { pollMs: 25, hyperparameters: { epochs: 2 } },
    });
    agent = await hostAgent({
      definition: trainerAgent,
      agent: config,
      topology,
      bus,
      runId: RUN,
      runDir,
      instance: "trainer-1",
      models: new Map(),
      packs: new Map(),
      logger: silentLogger(),
      concurrency: 1,
    });
    await bus.publishEvent(completed, `${RUN}:run.completed`);

    await waitFor(
      async () => (await trainingUpdates(bus)).some((u) => u.job.status === "succeeded" && !u.event),
      20_000,
      "training to finish",
    );
    const updates = await trainingUpdates(bus);
    const statuses = updates.filter((u) => !u.event).map((u) => u.job.status);
    expect(statuses).toEqual([...new Set(statuses)]);
    expect(statuses.at(-1)).toBe("succeeded");
    const tuned = updates.at(-1)?.job.fineTunedModel ?? "";
    expect(tuned).toMatch(/^ft:sim-base:nanoflux:/);
    expect(sim.skills.skillOf(tuned)).toBeGreaterThan(0.6);

    const record = TrainingJob.parse(
      JSON.parse(await readFile(join(runDir, "training", "openai-job.json"), "utf8")),
    );
    expect(record).toMatchObject({ status: "succeeded", fineTunedModel: tuned });
    const exported = (await readFile(join(runDir, "training", "train.chat.jsonl"), "utf8"))
      .trim()
      .split("\n");
    expect(exported).toHaveLength(8);
  });
});
