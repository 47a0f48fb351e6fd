import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import type { RoundClosed, RunCompleted } from "../../bus/messages.ts";
import { type SchedulerEmitted, type SchedulerInput, schedulerMachine } from "../../machines/scheduler.ts";
import { AT } from "../support/fixtures.ts";

const input: SchedulerInput = {
  runId: "run-s",
  producer: "scheduler-test",
  target: 3,
  prices: { alpha: { inputPerMTok: 1, outputPerMTok: 2 } },
  concurrency: 2,
  roundTimeoutMs: 60_000,
  plan: {
    participants: ["alpha", "beta"],
    judge: "judge",
    domains: [{ name: "math", skills: ["percentages", "rates"] }],
    pairing: "round-robin",
    swapEvery: 1,
    selfPlay: true,
    seed: 1,
    startComplexity: 3,
    adaptComplexity: false,
    targetDefenderSuccess: 0.5,
  },
};

function start(overrides: Partial<SchedulerInput> = {}) {
  const emitted: SchedulerEmitted[] = [];
  const actor = createActor(schedulerMachine, { input: { ...input, ...overrides } });
  actor.on("publish", (e) => emitted.push(e));
  actor.start();
  actor.send({ type: "START", now: AT });
  return { actor, emitted };
}

function lastMessage(emitted: SchedulerEmitted[]): unknown {
  const last = emitted.at(-1);
  if (!last) throw new Error("nothing was emitted");
  return last.emission.message;
}

function opened(emitted: SchedulerEmitted[]) {
  return emitted
    .filter((e) => e.emission.stage === "round.opened")
    .map((e) => (e.emission.message as { spec: RoundClosed["spec"] }).spec);
}

function close(
  actor: ReturnType<typeof start>["actor"],
  roundId: string,
  status: RoundClosed["status"],
  now = AT,
  usage: RoundClosed["usage"] = [],
) {
  const spec = actor.getSnapshot().context.inFlight[roundId];
  if (!spec) throw new Error(`${roundId} not in flight`);
  const message: RoundClosed = {
    type: "round.closed.v1",
    runId: "run-s",
    at: now,
    producer: "t",
    spec,
    usage,
    status,
    reason: status,
    stage: "curator",
  };
  actor.send({ type: "ROUND_CLOSED", message, now });
  return message;
}

describe("scheduler machine", () => {
  it("opens rounds up to its concurrency, swapping attacker and defender each round", () => {
    const { emitted } = start();
    const specs = opened(emitted);
    expect(specs.map((s) => s.roundId)).toEqual(["r000000", "r000001"]);
    expect(specs.map((s) => [s.attacker, s.defender])).toEqual([
      ["alpha", "beta"],
      ["beta", "alpha"],
    ]);
    expect(new Set(emitted.map((e) => e.msgId)).size).toBe(emitted.length);
  });

  it("replaces each closed round and completes once the target is reached and nothing is in flight", () => {
    const { actor, emitted } = start();
    close(actor, "r000000", "accepted");
    close(actor, "r000001", "rejected");
    close(actor, "r000002", "accepted");
    close(actor, "r000003", "accepted");
    expect(actor.getSnapshot().context.accepted).toBe(3);
    // Target reached with one round still in flight: no new rounds, and not complete yet.
    expect(opened(emitted)).toHaveLength(5);
    expect(actor.getSnapshot().status).toBe("active");
    close(actor, "r000004", "rejected");
    expect(actor.getSnapshot().status).toBe("done");
    const completed = lastMessage(emitted) as RunCompleted;
    expect(completed.type).toBe("run.completed.v1");
    expect(completed.status).toBe("target_reached");
    expect(completed.accepted).toBe(3);
  });

  it("ignores a round.closed it has already counted (redelivery after a crash)", () => {
    const { actor } = start();
    const message = close(actor, "r000000", "accepted");
    actor.send({ type: "ROUND_CLOSED", message, now: AT });
    expect(actor.getSnapshot().context.accepted).toBe(1);
  });

  it("closes rounds that exceed their deadline on a tick", () => {
    const { actor, emitted } = start({ roundTimeoutMs: 1000 });
    actor.send({ type: "TICK", now: "2026-01-01T00:00:00.500Z" });
    expect(emitted.filter((e) => e.emission.stage === "round.closed")).toHaveLength(0);
    actor.send({ type: "TICK", now: "2026-01-01T00:00:02.000Z" });
    const closings = emitted
      .filter((e) => e.emission.stage === "round.closed")
      .map((e) => e.emission.message as RoundClosed);
    expect(closings.map((c) => [c.spec.roundId, c.reasonCode])).toEqual([
      ["r000000", "timeout"],
      ["r000001", "timeout"],
    ]);
  });

  it("stops opening rounds after STOP and completes with the stop's status", () => {
    const { actor, emitted } = start();
    actor.send({ type: "STOP", status: "budget", reason: "token budget reached", now: AT });
    close(actor, "r000000", "accepted");
    close(actor, "r000001", "failed");
    expect(opened(emitted)).toHaveLength(2);
    expect((lastMessage(emitted) as RunCompleted).status).toBe("budget");
  });

  it("stops at its token budget: no new rounds, completion with status budget", () => {
    const { actor, emitted } = start({ budget: { tokens: 1000 }, target: 50 });
    const spend = [{ model: "alpha", role: "attacker", promptTokens: 400, completionTokens: 200, calls: 1 }];
    close(actor, "r000000", "accepted", AT, spend);
    expect(actor.getSnapshot().context.stopping).toBeUndefined();
    close(actor, "r000001", "rejected", AT, spend);
    expect(actor.getSnapshot().context.stopping?.status).toBe("budget");
    const openedBefore = opened(emitted).length;
    close(actor, "r000002", "accepted");
    expect(opened(emitted)).toHaveLength(openedBefore);
    expect(actor.getSnapshot().status).toBe("done");
    const completed = lastMessage(emitted) as RunCompleted;
    expect(completed.status).toBe("budget");
    expect(completed.reason).toContain("1200 used");
  });

  it("prices tokens per model to enforce a money budget", () => {
    const { actor } = start({ budget: { usd: 0.001 }, target: 50 });
    const spend = [{ model: "alpha", role: "judge", promptTokens: 500, completionTokens: 250, calls: 1 }];
    close(actor, "r000000", "rejected", AT, spend);
    expect(actor.getSnapshot().context.usd).toBeCloseTo(0.001, 9);
    expect(actor.getSnapshot().context.stopping?.status).toBe("budget");
  });

  it("completes with max_rounds when it may open no more", () => {
    const { actor, emitted } = start({ maxRounds: 2 });
    close(actor, "r000000", "rejected");
    close(actor, "r000001", "rejected");
    expect((lastMessage(emitted) as RunCompleted).status).toBe("max_rounds");
  });

  it("resumes from a persisted snapshot with its counts and rounds in flight", () => {
    const { actor } = start();
    close(actor, "r000000", "accepted");
    const snapshot = actor.getPersistedSnapshot();
    const restored = createActor(schedulerMachine, { snapshot, input });
    restored.start();
    expect(restored.getSnapshot().context.accepted).toBe(1);
    expect(Object.keys(restored.getSnapshot().context.inFlight)).toEqual(["r000001", "r000002"]);
    expect(restored.getSnapshot().context.nextSeq).toBe(3);
  });
});
