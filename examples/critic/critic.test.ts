import { fileURLToPath } from "node:url";
import type { RoundClosed, StageOutput } from "nanoflux";
import { describe, expect, it } from "vitest";
import { createActor, fromPromise, toPromise } from "xstate";
import { loadAgentModule } from "../../agents/registry.ts";
import { verdictIssued } from "../../test/support/fixtures.ts";
import { CriticOptions, criticAgent, criticMachine, reviewSolution } from "./critic.ts";

const options = CriticOptions.parse({});

describe("critic plug-in", () => {
  it("approves a solution with a step per hop and vetoes a thinner one", () => {
    const message = verdictIssued();
    expect(reviewSolution(message, options).approve).toBe(true);
    const thin = { ...message, question: { ...message.question, hops: 4 } };
    const review = reviewSolution(thin, options);
    expect(review.approve).toBe(false);
    expect(review.reason).toContain("4 hops");
  });

  it("passes approved verdicts on to verdict.reviewed and closes vetoed rounds", async () => {
    const run = async (approve: boolean) => {
      const machine = criticMachine.provide({
        actors: { review: fromPromise(async () => ({ approve, reason: "because" })) },
      });
      const actor = createActor(machine, {
        input: {
          message: verdictIssued(),
          now: "2026-01-01T00:00:00Z",
          producer: "critic-1",
          maxAttempts: 1,
        },
      });
      actor.start();
      return (await toPromise(actor)) as StageOutput;
    };
    const approved = await run(true);
    expect(approved.emit.map((e) => e.stage)).toEqual(["verdict.reviewed"]);
    const vetoed = await run(false);
    const closed = vetoed.emit[0]?.message as RoundClosed;
    expect(closed.status).toBe("rejected");
    expect(closed.stage).toBe("critic");
  });

  it("is a valid agent definition with an options schema", () => {
    expect(criticAgent.type).toBe("critic");
    expect(criticAgent.options.safeParse({ minStepsPerHop: 2 }).success).toBe(true);
    expect(criticAgent.options.safeParse({ minStepsPerHop: -1 }).success).toBe(false);
  });

  it("is what topologies/with-critic.yaml loads from its module path", async () => {
    const topologies = fileURLToPath(new URL("../../topologies/", import.meta.url));
    expect(await loadAgentModule("../examples/critic/critic.ts", topologies, "critic")).toBe(criticAgent);
  });
});
