import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPromise, setup } from "xstate";
import { Bus } from "../../bus/bus.ts";
import { AgentConfig, Topology } from "../../config/topology.ts";
import { defineAgent } from "../../host/define-agent.ts";
import { hostAgent } from "../../host/host.ts";
import { silentLogger } from "../../log/logger.ts";
import { closeRound, type StageInput, type StageOutput } from "../../machines/emission.ts";
import { RoundClosed, RoundOpened } from "../../protocol/messages.ts";
import { idempotencyKey } from "../../protocol/subjects.ts";
import { roundOpened, spec } from "../support/fixtures.ts";
import { startTestNats, waitFor } from "../support/nats.ts";

/**
 * A round closed elsewhere (the scheduler timing it out) can no longer count: the host stops the stage working
 * on it, whose model call sees its signal abort, and publishes nothing for it.
 */
describe("a round closed elsewhere", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: Bus;
  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.open({ servers: nats.url, name: "closed-round", logger: silentLogger() });
  });
  afterAll(async () => {
    await bus.close();
    await nats.cleanup();
  });

  it("stops the stage working on it and drops a late delivery of it", async () => {
    const runId = "run-closed";
    const started: string[] = [];
    const aborted: string[] = [];
    // A model call that only ends when it is cancelled.
    const slowCall = fromPromise<void, RoundOpened>(
      ({ input, signal }) =>
        new Promise<void>((_, reject) => {
          started.push(input.spec.roundId);
          signal.addEventListener("abort", () => {
            aborted.push(input.spec.roundId);
            reject(signal.reason);
          });
        }),
    );
    const machine = setup({
      types: { input: {} as StageInput<RoundOpened>, output: {} as StageOutput },
      actors: { slowCall },
    }).createMachine({
      context: ({ input }) => ({ message: input.message }),
      initial: "calling",
      states: {
        calling: { invoke: { src: "slowCall", input: ({ context }) => context.message, onDone: "done" } },
        done: { type: "final" },
      },
      output: () => ({ emit: [] }),
    });
    const definition = defineAgent({
      type: "attacker",
      consumes: { "round.opened": RoundOpened },
      produces: {},
      create: () => ({ stages: { "round.opened": machine } }),
    });
    const hosted = await hostAgent({
      definition,
      agent: AgentConfig.parse({ type: "attacker" }),
      topology: Topology.parse({
        models: [{ id: "m", baseUrl: "http://127.0.0.1:9/v1", model: "m" }],
        agents: [{ type: "attacker" }],
      }),
      bus,
      runId,
      runDir: "unused",
      instance: "attacker-test",
      models: new Map(),
      packs: new Map(),
      logger: silentLogger(),
      concurrency: 2,
    });
    try {
      const open = (roundId: string) => {
        const message = { ...roundOpened(spec({ roundId, runId })), runId };
        return bus.publish(
          runId,
          "round.opened",
          RoundOpened,
          message,
          idempotencyKey(runId, roundId, "round.opened"),
        );
      };
      const close = (roundId: string) => {
        const input = {
          message: { runId, spec: spec({ roundId, runId }) },
          now: new Date().toISOString(),
          producer: "scheduler",
          maxAttempts: 0,
        };
        const closing = closeRound(input, "scheduler", "failed", "timeout", "round exceeded its deadline");
        return bus.publish(
          runId,
          "round.closed",
          RoundClosed,
          closing.message as RoundClosed,
          idempotencyKey(runId, roundId, "round.closed"),
        );
      };
      await open("r000001");
      await waitFor(() => started.includes("r000001"), 10_000, "the stage to start");
      await close("r000001");
      await waitFor(() => aborted.includes("r000001"), 10_000, "the stage's call to be cancelled");

      // A round closed before its message arrives is never started.
      await close("r000002");
      await open("r000002");
      await open("r000003");
      await waitFor(() => started.includes("r000003"), 10_000, "the next round to start");
      expect(started).not.toContain("r000002");
      await close("r000003");
      await waitFor(() => aborted.includes("r000003"), 10_000, "the last stage's call to be cancelled");
    } finally {
      await hosted.stop().catch(() => {});
    }
  });
});
