import { describe, expect, it } from "vitest";
import { emptyRunView, foldRunEvent, type RunView } from "../../dashboard/view-model.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { at, recorded, roundEvents, runCompleted, runStarted } from "./crafted-events.ts";

const RUN = "run-vm";

function fold(events: readonly RunEvent[], view: RunView = emptyRunView(RUN)): RunView {
  return recorded(events).reduce(foldRunEvent, view);
}

const accepted = (seq: number, outcome: "defended" | "attack_succeeded" = "defended") =>
  roundEvents({ runId: RUN, seq, end: { kind: "accepted", outcome, level: "L4" } });

describe("the dashboard view model", () => {
  it("counts each round once per funnel stage it reaches, and rejections by reason code", () => {
    const view = fold([
      runStarted({ runId: RUN }),
      ...accepted(1),
      ...roundEvents({ runId: RUN, seq: 2, end: { kind: "duplicate" } }),
      ...roundEvents({ runId: RUN, seq: 3, end: { kind: "invalid" } }),
      ...roundEvents({
        runId: RUN,
        seq: 4,
        end: { kind: "rejected", outcome: "attack_succeeded", level: "L2", reasonCode: "quality_band" },
      }),
    ]);
    expect(view.funnel).toEqual({
      opened: 4,
      proposed: 4,
      notDuplicate: 3,
      answered: 3,
      judgedValid: 2,
      accepted: 1,
    });
    expect(view.closed).toEqual({ accepted: 1, rejected: 3, failed: 0, cancelled: 0 });
    expect(view.rejections).toEqual({ duplicate: 1, invalid_question: 1, quality_band: 1 });
  });

  it("counts a re-published round.closed once", () => {
    const events = accepted(1);
    const close = events.at(-1) as RunEvent;
    const view = fold([runStarted({ runId: RUN }), ...events, close]);
    expect(view.closed.accepted).toBe(1);
    expect(view.funnel.accepted).toBe(1);
    expect(view.outcomes).toHaveLength(1);
    expect(view.usage.reduce((n, u) => n + u.calls, 0)).toBe(2);
  });

  it("tallies accepted items by level and complexity", () => {
    const view = fold([
      ...roundEvents({
        runId: RUN,
        seq: 1,
        complexity: 2,
        end: { kind: "accepted", outcome: "defended", level: "L3" },
      }),
      ...roundEvents({
        runId: RUN,
        seq: 2,
        complexity: 4,
        end: { kind: "accepted", outcome: "defended", level: "L5" },
      }),
      ...roundEvents({
        runId: RUN,
        seq: 3,
        complexity: 4,
        end: { kind: "accepted", outcome: "attack_succeeded", level: "L5" },
      }),
    ]);
    expect(view.acceptedByLevel).toEqual({ L3: 1, L5: 2 });
    expect(view.acceptedByComplexity).toEqual({ "2": 1, "4": 2 });
  });

  it("sums the billed calls per model and role, with what they cost", () => {
    const priced = (seq: number) =>
      roundEvents({
        runId: RUN,
        seq,
        pricePerMTok: 2,
        end: { kind: "accepted", outcome: "defended", level: "L4" },
      });
    const view = fold([runStarted({ runId: RUN }), ...priced(1), ...priced(2)]);
    const attacker = view.usage.find((u) => u.model === "alpha" && u.role === "attacker");
    expect(attacker).toMatchObject({ calls: 2, promptTokens: 2000, completionTokens: 1000 });
    // 3000 tokens at $2 per million.
    expect(attacker?.costUsd).toBeCloseTo(0.006, 10);
  });

  it("leaves costs unknown when the calls were recorded without a price", () => {
    const view = fold([runStarted({ runId: RUN }), ...accepted(1)]);
    expect(view.usage.length).toBeGreaterThan(0);
    expect(view.usage.every((u) => u.costUsd === undefined)).toBe(true);
  });

  it("lists the configured players before any game, then rates them from judged rounds only", () => {
    const started = fold([
      runStarted({ runId: RUN, players: ["alpha", "beta"], targetDefenderSuccess: 0.6 }),
    ]);
    expect(started.standings.map((row) => [row.model, row.games])).toEqual(
      expect.arrayContaining([
        ["alpha", 0],
        ["beta", 0],
      ]),
    );
    expect(started.targetDefenderSuccess).toBe(0.6);

    const view = fold(
      [
        ...accepted(1, "defended"),
        ...accepted(2, "defended"),
        ...roundEvents({ runId: RUN, seq: 3, end: { kind: "invalid" } }),
        ...roundEvents({ runId: RUN, seq: 4, end: { kind: "duplicate" } }),
      ],
      started,
    );
    const beta = view.standings.find((row) => row.model === "beta");
    const alpha = view.standings.find((row) => row.model === "alpha");
    expect(beta).toMatchObject({ games: 2, defences: 2, defenderSuccessRate: 1 });
    expect(alpha).toMatchObject({ games: 2, invalid: 1, attackWins: 0 });
    expect(beta?.defence.rating).toBeGreaterThan(alpha?.defence.rating ?? Number.POSITIVE_INFINITY);
    expect(view.outcomes.map((o) => o.outcome)).toEqual(["defended", "defended", "invalid_question"]);
  });

  it("gathers a round's question, answer, verdict with its tool evidence, and the curator's decision", () => {
    const view = fold(accepted(1));
    const round = view.rounds.get("r000001");
    expect(round?.stages).toEqual([
      "round.opened",
      "question.proposed",
      "question.screened",
      "answer.submitted",
      "verdict.issued",
      "round.closed",
    ]);
    expect(round?.question?.referenceAnswer).toBe("12:00");
    expect(round?.answer?.finalAnswer).toBe("12:00");
    expect(round?.verdict?.evidence[0]).toMatchObject({ tool: "python", output: "2.0\n" });
    expect(round?.decision).toMatchObject({ status: "accepted", stage: "verdict.issued" });
    expect(round?.novelty).toMatchObject({ nearestId: "sample-0002", maxSimilarity: 0.31 });
  });

  it("takes a duplicate's nearest neighbour from round.closed, where no screening happened", () => {
    const round = fold(roundEvents({ runId: RUN, seq: 1, end: { kind: "duplicate" } })).rounds.get("r000001");
    expect(round?.decision).toMatchObject({ status: "rejected", reasonCode: "duplicate" });
    expect(round?.novelty).toMatchObject({ nearestId: "sample-0001", maxSimilarity: 0.97 });
    expect(round?.answer).toBeUndefined();
  });

  it("starts the clock at the first event when run.started is not on the stream", () => {
    const events = accepted(3);
    const view = fold(events);
    expect(view.startedAt).toBe(Date.parse(events[0]?.at ?? ""));
    expect(view.target).toBeUndefined();
  });

  it("records the completion and dead letters", () => {
    const view = fold([
      runStarted({ runId: RUN }),
      ...accepted(1),
      {
        type: "dlq.v1",
        runId: RUN,
        at: at(20_000),
        producer: "curator-test",
        subject: "nf.v1.run.run-vm.question.proposed",
        reason: "question.text: too small",
        payload: "{}",
      },
      runCompleted(RUN, 1, 1, 30_000),
    ]);
    expect(view.deadLetters).toBe(1);
    expect(view.completed?.status).toBe("target_reached");
  });

  it("leaves the view it was given untouched", () => {
    const before = fold([runStarted({ runId: RUN }), ...accepted(1)]);
    const copy = structuredClone({ ...before, rounds: [...before.rounds] });
    fold(accepted(2), before);
    expect({ ...before, rounds: [...before.rounds] }).toEqual(copy);
  });

  it("counts an answer from the response cache apart: no call, no tokens, what it saved", () => {
    const cached: RunEvent = {
      type: "usage.recorded.v1",
      runId: RUN,
      at: at(5_000),
      producer: "attacker-test",
      model: "alpha",
      role: "attacker",
      promptTokens: 0,
      completionTokens: 0,
      cached: { promptTokens: 300, completionTokens: 120 },
    };
    const before = fold([runStarted({ runId: RUN })]);
    const view = fold([cached, cached], before);
    expect(view.usage).toEqual([
      {
        model: "alpha",
        role: "attacker",
        calls: 0,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: undefined,
        cachedCalls: 2,
        savedTokens: 840,
      },
    ]);
  });
});
