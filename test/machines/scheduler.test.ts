import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { NO_SPEND, type Spend } from "../../llm/spending.ts";
import {
  acceptRate,
  drainingFor,
  type SchedulerEmitted,
  type SchedulerInput,
  schedulerMachine,
} from "../../machines/scheduler.ts";
import type { RoundClosed, RunCompleted } from "../../protocol/messages.ts";
import { AT } from "../support/fixtures.ts";

const input: SchedulerInput = {
  runId: "run-s",
  producer: "scheduler-test",
  target: 3,
  callReserve: { tokens: 1000, usd: 0.001 },
  mix: {},
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
  actor.send({ type: "START", now: AT, spend: NO_SPEND });
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
  spend: Spend = NO_SPEND,
  now = AT,
) {
  const spec = actor.getSnapshot().context.inFlight[roundId];
  if (!spec) throw new Error(`${roundId} not in flight`);
  const message: RoundClosed = {
    type: "round.closed.v1",
    runId: "run-s",
    at: now,
    producer: "t",
    spec,
    status,
    reason: status,
    stage: "curator",
  };
  actor.send({ type: "ROUND_CLOSED", message, now, spend });
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

  it("replaces each closed round and completes once the target is kept and nothing is in flight", () => {
    const { actor, emitted } = start();
    close(actor, "r000000", "accepted");
    close(actor, "r000001", "rejected");
    close(actor, "r000002", "accepted");
    close(actor, "r000003", "accepted");
    expect(actor.getSnapshot().context.accepted.total).toBe(3);
    // Target reached with one round still in flight: no new rounds, and not complete yet.
    expect(opened(emitted)).toHaveLength(5);
    expect(actor.getSnapshot().status).toBe("active");
    close(actor, "r000004", "accepted");
    expect(actor.getSnapshot().status).toBe("done");
    const completed = lastMessage(emitted) as RunCompleted;
    expect(completed.type).toBe("run.completed.v1");
    expect(completed.status).toBe("target_reached");
    // The round in flight when the target was reached still counts: it was paid for.
    expect(completed.accepted).toBe(4);
  });

  it("keeps no more rounds in flight than the remaining target can use at the observed acceptance rate", () => {
    const { actor, emitted } = start({ target: 2, concurrency: 8 });
    // Before any evidence one round in two is taken to be kept: four rounds cover a target of two.
    expect(opened(emitted)).toHaveLength(4);
    for (const id of ["r000000", "r000001"]) close(actor, id, "rejected");
    // Two rejections lower the rate to 1/4: the two rounds left in flight are expected to bring half a sample.
    const inFlight = Object.keys(actor.getSnapshot().context.inFlight).length;
    expect(inFlight).toBeGreaterThan(2);
    expect(acceptRate(actor.getSnapshot().context) * inFlight).toBeLessThan(2 + 0.25);
    close(actor, "r000002", "accepted");
    close(actor, "r000003", "accepted");
    const context = actor.getSnapshot().context;
    expect(context.accepted.total).toBe(2);
    expect(Object.keys(context.inFlight).length).toBeGreaterThan(0);
    expect(opened(emitted).length).toBe(context.nextSeq);
  });

  it("does not count a cancelled round as evidence of the acceptance rate", () => {
    const { actor } = start({ target: 10 });
    close(actor, "r000000", "cancelled");
    close(actor, "r000001", "cancelled");
    expect(acceptRate(actor.getSnapshot().context)).toBe(0.5);
    expect(actor.getSnapshot().context.closed.cancelled).toBe(2);
  });

  it("ignores a round.closed it has already counted (redelivery after a crash)", () => {
    const { actor } = start();
    const message = close(actor, "r000000", "accepted");
    actor.send({ type: "ROUND_CLOSED", message, now: AT, spend: NO_SPEND });
    expect(actor.getSnapshot().context.accepted.total).toBe(1);
  });

  it("closes rounds that exceed their deadline on a tick", () => {
    const { actor, emitted } = start({ roundTimeoutMs: 1000 });
    actor.send({ type: "TICK", now: "2026-01-01T00:00:00.500Z", spend: NO_SPEND });
    expect(emitted.filter((e) => e.emission.stage === "round.closed")).toHaveLength(0);
    actor.send({ type: "TICK", now: "2026-01-01T00:00:02.000Z", spend: NO_SPEND });
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
    actor.send({ type: "STOP", status: "stopped", reason: "stopped by the operator", now: AT });
    close(actor, "r000000", "accepted");
    close(actor, "r000001", "failed");
    expect(opened(emitted)).toHaveLength(2);
    expect((lastMessage(emitted) as RunCompleted).status).toBe("stopped");
  });

  it("under a token budget, sends the first round alone, then opens only what the budget left can finish", () => {
    const { actor, emitted } = start({ budget: { tokens: 10_000 }, target: 50, concurrency: 8 });
    expect(opened(emitted)).toHaveLength(1);
    // One round cost 2,000 tokens: a new round needs its cost, a round more per round in flight, and a call's
    // reserve (1,000) out of the 8,000 left: three rounds fit (7,000), a fourth would not (9,000).
    close(actor, "r000000", "accepted", { tokens: 2000, usd: 0 });
    const context = actor.getSnapshot().context;
    expect(Object.keys(context.inFlight)).toHaveLength(3);
    expect(drainingFor(context)).toBeUndefined();
    // Spending catches up: no new round fits, the run drains and completes with status budget.
    const openedBefore = opened(emitted).length;
    const ids = Object.keys(context.inFlight);
    for (const [i, id] of ids.entries())
      close(actor, id, "rejected", { tokens: 4000 + 1600 * (i + 1), usd: 0 });
    expect(opened(emitted)).toHaveLength(openedBefore);
    expect(actor.getSnapshot().status).toBe("done");
    const completed = lastMessage(emitted) as RunCompleted;
    expect(completed.status).toBe("budget");
    expect(completed.reason).toMatch(/token budget of 10000 reached: 8800 spent or reserved/);
  });

  it("stops opening rounds once the spend ledger refused a call, whatever its own estimate says", () => {
    const { actor, emitted } = start({ budget: { tokens: 1_000_000 }, target: 50 });
    const spec = actor.getSnapshot().context.inFlight.r000000;
    if (!spec) throw new Error("the first round is not in flight");
    const refused: RoundClosed = {
      type: "round.closed.v1",
      runId: "run-s",
      at: AT,
      producer: "attacker-test",
      spec,
      status: "cancelled",
      reasonCode: "budget",
      reason: "round cancelled: token budget of 1000000 reached: 999000 spent or reserved",
      stage: "attacker",
    };
    actor.send({ type: "ROUND_CLOSED", message: refused, now: AT, spend: NO_SPEND });
    expect(opened(emitted)).toHaveLength(1);
    expect(actor.getSnapshot().status).toBe("done");
    expect(lastMessage(emitted)).toMatchObject({
      status: "budget",
      reason: "token budget of 1000000 reached: 999000 spent or reserved",
    });
  });

  it("keeps a money budget the same way, from the spend ledger's dollars", () => {
    const { actor, emitted } = start({ budget: { usd: 0.01 }, target: 50, concurrency: 4 });
    close(actor, "r000000", "rejected", { tokens: 500, usd: 0.003 });
    // $0.003 a round and $0.001 a call's reserve: of the $0.007 left, two more rounds fit ($0.007), three not.
    expect(Object.keys(actor.getSnapshot().context.inFlight)).toHaveLength(2);
    close(actor, "r000001", "rejected", { tokens: 1000, usd: 0.006 });
    close(actor, "r000002", "rejected", { tokens: 1500, usd: 0.009 });
    expect(actor.getSnapshot().status).toBe("done");
    expect((lastMessage(emitted) as RunCompleted).status).toBe("budget");
  });

  it("opens rounds only in buckets of the complexity mix that can still use one", () => {
    const { actor, emitted } = start({
      target: 4,
      concurrency: 8,
      mix: { complexity: { "2": 1, "4": 1 } },
    });
    const first = opened(emitted).map((s) => s.complexity);
    expect(new Set(first)).toEqual(new Set([2, 4]));
    expect(first.filter((c) => c === 2).length).toBeLessThanOrEqual(4);
    // Two kept at complexity 2 fill its share of the target (2 of 4); with the rounds at 4 turned away, new
    // rounds are needed, and they go to complexity 4 only.
    const atTwo = opened(emitted).filter((s) => s.complexity === 2);
    for (const spec of atTwo.slice(0, 2)) close(actor, spec.roundId, "accepted");
    for (const spec of opened(emitted).filter((s) => s.complexity === 4))
      close(actor, spec.roundId, "rejected");
    const later = opened(emitted).slice(first.length);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((s) => s.complexity === 4)).toBe(true);
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
    expect(restored.getSnapshot().context.accepted.total).toBe(1);
    expect(Object.keys(restored.getSnapshot().context.inFlight)).toEqual(["r000001", "r000002"]);
    expect(restored.getSnapshot().context.nextSeq).toBe(3);
  });
});
