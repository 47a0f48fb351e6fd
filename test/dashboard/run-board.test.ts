import { describe, expect, it } from "vitest";
import { RunBoard } from "../../dashboard/run-board.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { recorded, roundEvents, runStarted, T0 } from "./crafted-events.ts";

function feed(board: RunBoard, events: readonly RunEvent[]): void {
  for (const event of recorded(events)) board.applyEvent(event.event.runId, event);
}

describe("the run board", () => {
  it("lists runs newest first, with runs that have no event yet on top", () => {
    const board = new RunBoard({ clock: () => T0 });
    feed(board, [runStarted({ runId: "run-new", t0: T0 + 1000 })]);
    feed(board, [runStarted({ runId: "run-old", t0: T0 })]);
    board.track("run-named");
    expect(board.list().map((run) => run.runId)).toEqual(["run-named", "run-new", "run-old"]);
  });

  it("tells listeners which run changed, until they unsubscribe", () => {
    const board = new RunBoard({ clock: () => T0 });
    const changed: string[] = [];
    const unsubscribe = board.onChange((runId) => changed.push(runId));
    feed(board, roundEvents({ runId: "run-a", seq: 1, end: { kind: "duplicate" } }));
    unsubscribe();
    feed(board, roundEvents({ runId: "run-a", seq: 2, end: { kind: "duplicate" } }));
    // Opened, the attacker's billed call, proposed, closed: one change each.
    expect(changed).toEqual(["run-a", "run-a", "run-a", "run-a"]);
    expect(board.snapshot("run-a")?.roundCount).toBe(2);
    expect(board.round("run-a", "r000002")?.decision?.reasonCode).toBe("duplicate");
    expect(board.snapshot("run-missing")).toBeUndefined();
  });
});

describe("the round list's filters and search", () => {
  const RUN = "run-q";
  const board = new RunBoard({ clock: () => T0 });
  feed(board, [
    runStarted({ runId: RUN, target: 5 }),
    ...roundEvents({
      runId: RUN,
      seq: 1,
      end: { kind: "accepted", outcome: "defended", level: "L4" },
      questionText: "Zebra crossings: how many stripes?",
    }),
    ...roundEvents({
      runId: RUN,
      seq: 2,
      end: { kind: "accepted", outcome: "attack_succeeded", level: "L3" },
      complexity: 2,
    }),
    ...roundEvents({
      runId: RUN,
      seq: 3,
      end: { kind: "rejected", outcome: "defended", level: "L2", reasonCode: "quality_band" },
    }),
    ...roundEvents({ runId: RUN, seq: 4, end: { kind: "duplicate" } }),
  ]);
  const ids = (query: Parameters<RunBoard["queryRounds"]>[1]) =>
    board.queryRounds(RUN, query)?.rows.map((row) => row.roundId);
  const all = { offset: 0, limit: 200 };

  it("filters by status, level, reason and complexity, newest first", () => {
    expect(ids({ ...all, status: "accepted" })).toEqual(["r000002", "r000001"]);
    expect(ids({ ...all, status: "accepted", level: "L4" })).toEqual(["r000001"]);
    expect(ids({ ...all, reason: "quality_band" })).toEqual(["r000003"]);
    expect(ids({ ...all, complexity: 2 })).toEqual(["r000002"]);
    expect(board.queryRounds(RUN, { ...all, limit: 1 })).toMatchObject({
      total: 4,
      rows: [{ roundId: "r000004" }],
    });
    expect(board.queryRounds("run-none", all)).toBeUndefined();
  });

  it("searches every word, in any case, across the round's text", () => {
    expect(ids({ ...all, q: "ZEBRA stripes" })).toEqual(["r000001"]);
    expect(ids({ ...all, q: "zebra giraffe" })).toEqual([]);
    // The reference solution is searched too.
    expect(ids({ ...all, q: "closing speed", status: "accepted" })).toEqual(["r000002", "r000001"]);
  });

  it("filters by what reviewers decided, and finds edits by their new text", () => {
    const reviewAt = recorded(
      [
        {
          type: "review.recorded.v1",
          runId: RUN,
          at: "2026-12-08T00:00:00.000Z",
          producer: "dashboard-test",
          reviewId: "rv-1",
          roundId: "r000002",
          reviewer: "ada",
          action: "edit",
          edits: { text: "Okapi question, rewritten" },
          before: { text: "old" },
          basedOn: 0,
        },
      ],
      100,
    );
    for (const event of reviewAt) board.applyEvent(RUN, event);
    expect(ids({ ...all, review: "edited" })).toEqual(["r000002"]);
    expect(ids({ ...all, q: "okapi" })).toEqual(["r000002"]);
    expect(ids({ ...all, review: "unreviewed", status: "accepted" })).toEqual(["r000001"]);
    expect(board.queryRounds(RUN, { ...all, review: "edited" })?.rows[0]?.question).toBe(
      "Okapi question, rewritten",
    );
    expect(board.round(RUN, "r000002")?.review).toMatchObject({ status: "edited", lastSeq: 100 });
    expect(board.lastReviewSeq(RUN, "r000002")).toBe(100);
  });

  it("applies no review filed under another round's subject, another run's, or another stage's", () => {
    const forged = (seq: number, subject: string, runId = RUN) => ({
      seq,
      subject,
      event: {
        type: "review.recorded.v1" as const,
        runId,
        at: "2026-12-08T00:00:00.000Z",
        producer: "someone",
        reviewId: `rv-forged-${seq}`,
        roundId: "r000001",
        reviewer: "mallory",
        action: "reject" as const,
        reason: "other" as const,
        basedOn: 0,
      },
    });
    board.applyEvent(RUN, forged(200, `nf.v1.run.${RUN}.review.recorded.r000002`));
    board.applyEvent(RUN, forged(201, `nf.v1.run.${RUN}.round.closed`));
    board.applyEvent(RUN, forged(202, `nf.v1.run.${RUN}.review.recorded.r000001`, "run-other"));
    expect(board.round(RUN, "r000001")?.review).toBeUndefined();
    expect(board.round(RUN, "r000002")?.review?.reviewers).toEqual(["ada"]);
    board.applyEvent(RUN, forged(203, `nf.v1.run.${RUN}.review.recorded.r000001`));
    expect(board.round(RUN, "r000001")?.review).toMatchObject({ status: "rejected", lastSeq: 203 });
  });
});
