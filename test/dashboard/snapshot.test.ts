import { describe, expect, it } from "vitest";
import {
  DEFENDER_WINDOW,
  defenderTrend,
  ROUND_LIST_LIMIT,
  runSnapshot,
  type SnapshotExtras,
} from "../../dashboard/snapshot.ts";
import { emptyRunView, foldRunEvent, type RunView } from "../../dashboard/view-model.ts";
import { RunSnapshot } from "../../dashboard/wire.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import type { RoundOutcome } from "../../tournament/round-outcome.ts";
import { recorded, roundEvents, runCompleted, runStarted, T0 } from "./crafted-events.ts";

const RUN = "run-snap";
const MINUTE = 60_000;
/** What the board adds; these tests look at what the view gives. */
const EXTRAS: SnapshotExtras = {
  timeline: { points: [], ratings: [], novelty: { threshold: null, binWidth: 0.05, counts: [] } },
  agreement: {
    validity: { n: 0, observed: null, kappa: null, ci95: null },
    level: { n: 0, observed: null, kappa: null, ci95: null },
    reviewers: [],
  },
  exportable: false,
};

function fold(events: readonly RunEvent[]): RunView {
  return recorded(events).reduce(foldRunEvent, emptyRunView(RUN));
}

const accepted = (seq: number) =>
  roundEvents({
    runId: RUN,
    seq,
    closesAt: seq * 1000,
    end: { kind: "accepted", outcome: "defended", level: "L3" },
  });

describe("a run snapshot", () => {
  it("derives pace and ETA from the clock while the run goes on", () => {
    const view = fold([runStarted({ runId: RUN, target: 10 }), ...accepted(1), ...accepted(2)]);
    const snapshot = runSnapshot(view, new Map(), T0 + 4 * MINUTE, EXTRAS);
    expect(snapshot.elapsedMs).toBe(4 * MINUTE);
    expect(snapshot.roundsPerMinute).toBeCloseTo(0.5);
    // Two accepted in four minutes: eight more take sixteen.
    expect(snapshot.etaMs).toBe(16 * MINUTE);
    expect(snapshot.status).toBe("running");
  });

  it("has no ETA before the first accepted item, nor after the run completed", () => {
    const started = fold([runStarted({ runId: RUN, target: 10 })]);
    expect(runSnapshot(started, new Map(), T0 + MINUTE, EXTRAS).etaMs).toBeNull();
    const done = fold([
      runStarted({ runId: RUN, target: 1 }),
      ...accepted(1),
      runCompleted(RUN, 1, 1, 2 * MINUTE),
    ]);
    const snapshot = runSnapshot(done, new Map(), T0 + 60 * MINUTE, EXTRAS);
    expect(snapshot.etaMs).toBeNull();
    expect(snapshot.elapsedMs).toBe(2 * MINUTE);
    expect(snapshot.status).toBe("target_reached");
  });

  it("lists rounds newest first, capped, with clipped questions and in-flight rounds counted", () => {
    const open = roundEvents({
      runId: RUN,
      seq: ROUND_LIST_LIMIT + 5,
      questionText: `long ${"x".repeat(500)}`,
      end: { kind: "duplicate" },
    }).slice(0, 3);
    const events = Array.from({ length: ROUND_LIST_LIMIT + 4 }, (_, i) =>
      roundEvents({ runId: RUN, seq: i + 1, end: { kind: "duplicate" } }),
    ).flat();
    const snapshot = runSnapshot(fold([...events, ...open]), new Map(), T0, EXTRAS);
    expect(snapshot.roundCount).toBe(ROUND_LIST_LIMIT + 5);
    expect(snapshot.rounds).toHaveLength(ROUND_LIST_LIMIT);
    expect(snapshot.rounds[0]).toMatchObject({
      seq: ROUND_LIST_LIMIT + 5,
      stage: "question.proposed",
      status: undefined,
    });
    expect(snapshot.rounds[0]?.question).toBe(`long ${"x".repeat(135)}`);
    expect(snapshot.rounds[1]).toMatchObject({
      seq: ROUND_LIST_LIMIT + 4,
      status: "rejected",
      reasonCode: "duplicate",
    });
    expect(snapshot.inFlight).toBe(1);
  });

  it("survives the trip through JSON and the page's schema", () => {
    const view = fold([
      runStarted({ runId: RUN, pricePerMTok: 1 }),
      ...roundEvents({
        runId: RUN,
        seq: 1,
        pricePerMTok: 1,
        end: { kind: "accepted", outcome: "defended", level: "L4" },
      }),
      ...roundEvents({ runId: RUN, seq: 2, end: { kind: "invalid" } }),
    ]);
    const snapshot = runSnapshot(view, new Map(), T0 + MINUTE, EXTRAS);
    const parsed = RunSnapshot.safeParse(JSON.parse(JSON.stringify(snapshot)));
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(snapshot);
    expect(snapshot.costUsd).toBeGreaterThan(0);
  });
});

describe("the defender trend", () => {
  const game = (outcome: RoundOutcome["outcome"]): RoundOutcome => ({
    attacker: "alpha",
    defender: "beta",
    complexity: 3,
    outcome,
  });

  it("averages over a sliding window of valid games and ignores invalid questions", () => {
    const outcomes = [
      ...Array.from({ length: DEFENDER_WINDOW }, () => game("defended")),
      game("invalid_question"),
      ...Array.from({ length: DEFENDER_WINDOW }, () => game("attack_succeeded")),
    ];
    const trend = defenderTrend(outcomes, 0.5);
    expect(trend.points).toHaveLength(2 * DEFENDER_WINDOW);
    expect(trend.points[DEFENDER_WINDOW - 1]).toEqual({ game: DEFENDER_WINDOW, rate: 1 });
    expect(trend.points[DEFENDER_WINDOW + 4]?.rate).toBeCloseTo((DEFENDER_WINDOW - 5) / DEFENDER_WINDOW);
    expect(trend.points.at(-1)?.rate).toBe(0);
    expect(trend.overall).toBe(0.5);
    expect(trend.target).toBe(0.5);
  });

  it("has no overall rate before the first valid game", () => {
    expect(defenderTrend([game("invalid_question")], null)).toMatchObject({ overall: null, points: [] });
  });
});
