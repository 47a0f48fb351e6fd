import { describe, expect, it } from "vitest";
import {
  emptyTimeline,
  foldTimeline,
  TIMELINE_POINTS,
  type TimelineState,
  timelineOf,
} from "../../dashboard/timeline.ts";
import { emptyRunView, foldRunEvent, type RunView } from "../../dashboard/view-model.ts";
import { RoundClosed, RunEvent, RunStarted } from "../../protocol/messages.ts";
import { type RoundPlan, recorded, roundEvents, runStarted } from "./crafted-events.ts";

const runId = "run-timeline";
const PRICE = 2;

function round(seq: number, end: RoundPlan["end"], extra: Partial<RoundPlan> = {}): RunEvent[] {
  return roundEvents({ runId, seq, end, pricePerMTok: PRICE, ...extra });
}

/** A round whose defender never answered: closed as failed, its attacker's tokens wasted. */
function timedOut(seq: number): RunEvent[] {
  const events = round(seq, { kind: "duplicate" });
  const { novelty: _, ...rest } = RoundClosed.parse(events.at(-1));
  return [
    ...events.slice(0, -1),
    RoundClosed.parse({ ...rest, status: "failed", reasonCode: "timeout", reason: "no answer in time" }),
  ];
}

/** The round's events with its novelty report saying `maxSimilarity` wherever it appears. */
function withSimilarity(events: readonly RunEvent[], maxSimilarity: number): RunEvent[] {
  return events.map((event) =>
    "novelty" in event && event.novelty
      ? RunEvent.parse({ ...event, novelty: { ...event.novelty, maxSimilarity } })
      : event,
  );
}

function started(noveltyThreshold?: number): RunStarted {
  const event = runStarted({ runId, pricePerMTok: PRICE });
  return noveltyThreshold === undefined
    ? event
    : RunStarted.parse({ ...event, config: { ...event.config, curation: { noveltyThreshold } } });
}

/** Folds events the way the run board does: the view first, then the timeline from the view either side. */
function fold(events: readonly RunEvent[]): { state: TimelineState; view: RunView } {
  let view = emptyRunView(runId);
  let state = emptyTimeline();
  for (const event of recorded(events)) {
    const after = foldRunEvent(view, event);
    state = foldTimeline(state, view, after, event);
    view = after;
  }
  return { state, view };
}

function timeline(events: readonly RunEvent[]) {
  const { state, view } = fold(events);
  return timelineOf(state, view);
}

describe("the run's timeline", () => {
  it("starts empty, with a bin for every twentieth of similarity", () => {
    const empty = timeline([started(0.9)]);
    expect(empty.points).toEqual([]);
    expect(empty.ratings).toEqual([]);
    expect(empty.novelty).toEqual({ threshold: 0.9, binWidth: 0.05, counts: Array(20).fill(0) });
  });

  it("records the running totals at each round close", () => {
    const { points } = timeline([
      started(),
      ...round(1, { kind: "accepted", outcome: "defended", level: "L3" }),
      ...round(2, { kind: "duplicate" }),
      ...timedOut(3),
    ]);
    // An answered round bills 1,500 + 1,200 tokens, a round without an answer 1,500.
    expect(points).toEqual([
      { t: 10_000, closed: 1, accepted: 1, tokens: 2700, costUsd: (2700 * PRICE) / 1e6, wastedTokens: 0 },
      { t: 20_000, closed: 2, accepted: 1, tokens: 4200, costUsd: (4200 * PRICE) / 1e6, wastedTokens: 0 },
      { t: 30_000, closed: 3, accepted: 1, tokens: 5700, costUsd: (5700 * PRICE) / 1e6, wastedTokens: 1500 },
    ]);
  });

  it("counts calls billed between closes into the next close's totals", () => {
    const second = round(2, { kind: "duplicate" });
    const first = round(1, { kind: "accepted", outcome: "defended", level: "L3" });
    // Round 2 opens and bills its attacker before round 1 closes.
    const { points } = timeline([started(), ...second.slice(0, 2), ...first, ...second.slice(2)]);
    expect(points.map((p) => p.tokens)).toEqual([4200, 4200]);
  });

  it("has no cost while no model has a price", () => {
    const { points } = timeline([
      runStarted({ runId }),
      ...roundEvents({ runId, seq: 1, end: { kind: "duplicate" } }),
    ]);
    expect(points[0]?.costUsd).toBeNull();
  });

  it("counts a close published again once, and keeps time moving forward", () => {
    const first = round(1, { kind: "duplicate" }, { closesAt: 50_000 });
    const early = round(2, { kind: "duplicate" }, { closesAt: 40_000 });
    const { points } = timeline([started(), ...first, ...first.slice(-1), ...early]);
    expect(points.map((p) => [p.t, p.closed])).toEqual([
      [50_000, 1],
      [50_000, 2],
    ]);
  });

  it("tracks the defence rating of each model that has defended, with its interval, after each judged round", () => {
    const { ratings } = timeline([
      started(),
      ...round(1, { kind: "accepted", outcome: "defended", level: "L3" }),
      ...round(2, { kind: "duplicate" }),
      ...round(
        3,
        { kind: "accepted", outcome: "attack_succeeded", level: "L4" },
        { attacker: "beta", defender: "alpha" },
      ),
      ...round(4, { kind: "invalid" }),
    ]);
    expect(ratings.map((track) => track.model)).toEqual(["alpha", "beta"]);
    const [alpha, beta] = ratings;
    // The duplicate was never judged: three judged rounds, and alpha defended first in the second.
    expect(beta?.points.map((p) => p.game)).toEqual([1, 2, 3]);
    expect(alpha?.points.map((p) => p.game)).toEqual([2, 3]);
    for (const point of [...(alpha?.points ?? []), ...(beta?.points ?? [])]) {
      expect(point.low).toBeLessThan(point.rating);
      expect(point.high).toBeGreaterThan(point.rating);
    }
  });

  it("counts each screened round once into the bin of its maximum similarity", () => {
    const { novelty } = timeline([
      started(),
      ...round(1, { kind: "accepted", outcome: "defended", level: "L3" }),
      ...round(2, { kind: "duplicate" }),
      ...withSimilarity(round(3, { kind: "invalid" }), 0.15),
      ...withSimilarity(round(4, { kind: "duplicate" }), 1),
      ...withSimilarity(round(5, { kind: "duplicate" }), -0.2),
      ...timedOut(6),
    ]);
    const expected = Array(20).fill(0);
    expected[0] = 1; // -0.2: below every bin, counted in the first
    expected[3] = 1; // 0.15, on the edge of the fourth bin
    expected[6] = 1; // 0.31
    expected[19] = 2; // 0.97 and 1
    expect(novelty.counts).toEqual(expected);
    expect(novelty.threshold).toBe(0.88);
  });

  it(`keeps at most ${TIMELINE_POINTS} points, evenly spread, with the first and the latest close`, () => {
    const rounds = 1000;
    const events: RunEvent[] = [started()];
    for (let seq = 1; seq <= rounds; seq++) events.push(...round(seq, { kind: "duplicate" }));
    const { points } = timeline(events);
    expect(points.length).toBeLessThanOrEqual(TIMELINE_POINTS);
    expect(points.length).toBeGreaterThan(TIMELINE_POINTS / 2);
    expect(points[0]?.closed).toBe(1);
    expect(points.at(-1)?.closed).toBe(rounds);
    const steps = new Set(
      points
        .slice(0, -1)
        .map((p, i) => (points[i + 1]?.closed ?? 0) - p.closed)
        .slice(0, -1),
    );
    expect(steps.size).toBe(1);
  });

  it("leaves the state it folds from as it was, and returns it as is when nothing it tracks changed", () => {
    const { state, view } = fold([
      started(),
      ...round(1, { kind: "accepted", outcome: "defended", level: "L3" }),
    ]);
    const copy = structuredClone(state);
    const second = recorded(round(2, { kind: "duplicate" }), 100);
    const [opened, , , closed] = second;
    if (!opened || !closed) throw new Error("a duplicate round has four events");
    expect(foldTimeline(state, view, foldRunEvent(view, opened), opened)).toBe(state);
    const afterClose = foldRunEvent(view, closed);
    expect(timelineOf(foldTimeline(state, view, afterClose, closed), afterClose).points).toHaveLength(2);
    expect(state).toEqual(copy);
  });
});
