import type { Msg } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setup } from "xstate";
import { Bus } from "../../bus/bus.ts";
import { AgentConfig, Topology } from "../../config/topology.ts";
import { defineAgent, stage } from "../../host/define-agent.ts";
import { hostAgent, type RunningAgent } from "../../host/host.ts";
import { silentLogger } from "../../log/logger.ts";
import type { StageInput, StageOutput } from "../../machines/emission.ts";
import { QuestionProposed, RoundClosed, RoundOpened } from "../../protocol/messages.ts";
import { durableName, idempotencyKey, runStageSubject, STREAM_NAME } from "../../protocol/subjects.ts";
import { questionProposed, roundOpened, spec } from "../support/fixtures.ts";
import { startTestNats, waitFor } from "../support/nats.ts";

const topology = Topology.parse({
  models: [{ id: "m", baseUrl: "http://127.0.0.1:9/v1", model: "m" }],
  agents: [{ type: "scheduler" }],
});

describe("the host runs an agent from its contract", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: Bus;
  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.open({ servers: nats.url, name: "host-test", logger: silentLogger() });
  });
  afterAll(async () => {
    await bus.close();
    await nats.cleanup();
  });

  const host = (definition: Parameters<typeof hostAgent>[0]["definition"], entry: unknown, runId: string) =>
    hostAgent({
      definition,
      agent: AgentConfig.parse(entry),
      topology,
      bus,
      runId,
      runDir: "unused",
      instance: `${AgentConfig.parse(entry).type}-1`,
      models: new Map(),
      packs: new Map(),
      logger: silentLogger(),
      concurrency: 1,
    });

  /** Messages arriving on one stage of a run, from now on. */
  const listen = (runId: string, stage: string) => {
    const heard: unknown[] = [];
    const subscription = bus.nc.subscribe(runStageSubject(runId, stage), {
      callback: (err: Error | null, msg: Msg) => {
        if (!err) heard.push(msg.json());
      },
    });
    return { heard, stop: () => subscription.unsubscribe() };
  };

  it("reads and writes its stages under the routes of its topology entry", async () => {
    const runId = "run-routes";
    const relay = setup({
      types: {
        input: {} as StageInput<RoundOpened>,
        context: {} as StageInput<RoundOpened>,
        output: {} as StageOutput,
      },
    }).createMachine({
      context: ({ input }) => input,
      initial: "done",
      states: { done: { type: "final" } },
      output: ({ context }) => ({
        emit: [{ stage: "question.proposed", message: questionProposed(context.message.spec) }],
      }),
    });
    const relayAgent = defineAgent({
      type: "relay",
      consumes: { "round.opened": RoundOpened },
      produces: { "question.proposed": QuestionProposed },
      create: () => ({ stages: { "round.opened": relay } }),
    });
    const routes = { "round.opened": "round.relayed", "question.proposed": "question.relayed" };
    const routed = listen(runId, "question.relayed");
    const unrouted = listen(runId, "question.proposed");
    let agent: RunningAgent | undefined;
    try {
      agent = await host(relayAgent, { type: "relay", options: { routes } }, runId);
      // Its one consumer reads the routed stage; nothing reads round.opened for it.
      await expect(
        bus.jsm.consumers.info(STREAM_NAME, durableName(runId, "relay", "round.relayed")),
      ).resolves.toMatchObject({
        config: { filter_subject: runStageSubject(runId, "round.relayed") },
      });
      await expect(
        bus.jsm.consumers.info(STREAM_NAME, durableName(runId, "relay", "round.opened")),
      ).rejects.toThrow();

      const s = spec({ runId, roundId: "r000001" });
      await bus.publish(
        runId,
        "round.relayed",
        RoundOpened,
        { ...roundOpened(s), runId },
        idempotencyKey(runId, "r000001", "round.opened"),
      );
      await waitFor(() => routed.heard.length === 1, 10_000, "the relayed question");
      expect(QuestionProposed.parse(routed.heard[0]).spec.roundId).toBe("r000001");
      expect(unrouted.heard).toEqual([]);
    } finally {
      routed.stop();
      unrouted.stop();
      await agent?.stop();
    }
  });

  it("starts background work once its stages consume, stops it first, closes last; publishes only what it declares", async () => {
    const runId = "run-lifecycle";
    const events: string[] = [];
    let refused: unknown;
    const watcher = defineAgent({
      type: "watcher",
      consumes: { "round.closed": stage(RoundClosed, { callsModels: false, concurrency: 1 }) },
      produces: { "round.opened": RoundOpened },
      create: (context) => {
        events.push("created");
        return {
          stages: {
            "round.closed": {
              handle: async (message) => {
                events.push(`handled ${message.spec.roundId}`);
                refused = await context
                  .publish("verdict.issued", message, "nope")
                  .catch((err: unknown) => err);
              },
            },
          },
          start: () => {
            events.push("started");
            return () => {
              events.push("background stopped");
            };
          },
          close: async () => {
            events.push("closed");
          },
        };
      },
    });
    const agent = await host(watcher, { type: "watcher" }, runId);
    expect(events).toEqual(["created", "started"]);
    const s = spec({ runId, roundId: "r000007" });
    const closed: RoundClosed = {
      type: "round.closed.v1",
      runId,
      at: s.openedAt,
      producer: "test",
      spec: s,
      status: "failed",
      reason: "test",
      stage: "test",
    };
    await bus.publish(
      runId,
      "round.closed",
      RoundClosed,
      closed,
      idempotencyKey(runId, "r000007", "round.closed"),
    );
    await waitFor(() => refused !== undefined, 10_000, "the round to be handled");
    expect(String(refused)).toMatch(/watcher published "verdict\.issued", a stage it does not declare/);
    await agent.stop();
    expect(events).toEqual(["created", "started", "handled r000007", "background stopped", "closed"]);
  });
});
