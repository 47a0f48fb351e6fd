import type { RecordedEvent } from "../bus/run-events.ts";
import type { RunView } from "./view-model.ts";
import type { RatingTrack, Timeline, TimelinePoint } from "./wire.ts";

/**
 * The run over time, for the page's charts: running totals at each round close, the defence ratings after
 * each judged round, and how close screened questions came to kept ones. Folded event by event beside the
 * view model, and bounded however long the run: each series keeps at most TIMELINE_POINTS samples.
 */

export const TIMELINE_POINTS = 400;
export const NOVELTY_BIN_WIDTH = 0.05;
const NOVELTY_BINS = Math.round(1 / NOVELTY_BIN_WIDTH);

/**
 * Every `stride`-th sample of a series and its latest one. When the kept ones reach the limit every other
 * one goes and the stride doubles, so the samples stay evenly spread at a constant cost per sample.
 */
interface Thinned<T> {
  readonly kept: readonly T[];
  readonly stride: number;
  readonly seen: number;
  readonly latest?: T;
}

interface RatingsAt {
  readonly game: number;
  readonly models: readonly { model: string; rating: number; low: number; high: number }[];
}

export interface TimelineState {
  readonly points: Thinned<TimelinePoint>;
  readonly ratings: Thinned<RatingsAt>;
  /** Rounds screened so far per bin of maximum similarity. */
  readonly novelty: readonly number[];
}

export function emptyTimeline(): TimelineState {
  return {
    points: emptyThinned(),
    ratings: emptyThinned(),
    novelty: Array.from({ length: NOVELTY_BINS }, () => 0),
  };
}

/** Adds what `recorded` changed between `before` and `after` (the view either side of it). Pure. */
export function foldTimeline(
  state: TimelineState,
  before: RunView,
  after: RunView,
  { event }: RecordedEvent,
): TimelineState {
  const closed = closedRounds(after) > closedRounds(before);
  const judged = after.outcomes.length > before.outcomes.length;
  const similarity = "spec" in event ? newNovelty(before, after, event.spec.roundId) : undefined;
  if (!closed && !judged && similarity === undefined) return state;
  return {
    points: closed ? thinnedPush(state.points, pointAt(after, event.at, state.points.latest)) : state.points,
    ratings: judged ? thinnedPush(state.ratings, ratingsAt(after)) : state.ratings,
    novelty: similarity === undefined ? state.novelty : countInBin(state.novelty, similarity),
  };
}

/** What the page draws: the kept samples of each series, with the novelty threshold of the run's config. */
export function timelineOf(state: TimelineState, view: RunView): Timeline {
  return {
    points: samples(state.points),
    ratings: ratingTracks(samples(state.ratings)),
    novelty: {
      threshold: view.noveltyThreshold ?? null,
      binWidth: NOVELTY_BIN_WIDTH,
      counts: [...state.novelty],
    },
  };
}

function emptyThinned<T>(): Thinned<T> {
  return { kept: [], stride: 1, seen: 0 };
}

function thinnedPush<T>(series: Thinned<T>, sample: T): Thinned<T> {
  const kept = series.seen % series.stride === 0 ? [...series.kept, sample] : series.kept;
  const full = kept.length >= TIMELINE_POINTS;
  return {
    kept: full ? kept.filter((_, i) => i % 2 === 0) : kept,
    stride: full ? series.stride * 2 : series.stride,
    seen: series.seen + 1,
    latest: sample,
  };
}

function samples<T>(series: Thinned<T>): T[] {
  const { kept, latest } = series;
  return latest === undefined || kept.at(-1) === latest ? [...kept] : [...kept, latest];
}

function closedRounds(view: RunView): number {
  const { accepted, rejected, failed, cancelled } = view.closed;
  return accepted + rejected + failed + cancelled;
}

/** The totals just after a close. Tokens and cost come from the books, so calls between closes count too. */
function pointAt(view: RunView, at: string, previous: TimelinePoint | undefined): TimelinePoint {
  const closedAt = Date.parse(at);
  const costs = view.usage.flatMap((row) => (row.costUsd === undefined ? [] : [row.costUsd]));
  return {
    // Closes can reach the stream slightly out of clock order; the charts need time to move forward.
    t: Math.max(previous?.t ?? 0, closedAt - (view.startedAt ?? closedAt)),
    closed: closedRounds(view),
    accepted: view.closed.accepted,
    tokens: view.usage.reduce((n, row) => n + row.promptTokens + row.completionTokens, 0),
    costUsd: costs.length > 0 ? costs.reduce((a, b) => a + b, 0) : null,
    wastedTokens: view.wastedTokens,
  };
}

/** Defence ratings of the models that have defended so far: a model yet to defend has only the prior. */
function ratingsAt(view: RunView): RatingsAt {
  return {
    game: view.outcomes.length,
    models: view.standings
      .filter((row) => row.defenderSuccessRate !== null)
      .map(({ model, defence: { rating, ci95 } }) => ({ model, rating, low: ci95[0], high: ci95[1] })),
  };
}

function ratingTracks(moments: readonly RatingsAt[]): RatingTrack[] {
  const tracks = new Map<string, RatingTrack["points"]>();
  for (const { game, models } of moments) {
    for (const { model, ...interval } of models) {
      const points = tracks.get(model) ?? [];
      points.push({ game, ...interval });
      tracks.set(model, points);
    }
  }
  return [...tracks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, points]) => ({ model, points }));
}

/** The similarity of a round's novelty report when this event brought it (each round is screened once). */
function newNovelty(before: RunView, after: RunView, roundId: string): number | undefined {
  if (before.rounds.get(roundId)?.novelty !== undefined) return undefined;
  return after.rounds.get(roundId)?.novelty?.maxSimilarity;
}

function countInBin(counts: readonly number[], similarity: number): number[] {
  // The small epsilon keeps a value on a bin edge (0.15 / 0.05 = 2.9999...) in the bin it starts.
  const bin = Math.min(NOVELTY_BINS - 1, Math.max(0, Math.floor(similarity / NOVELTY_BIN_WIDTH + 1e-9)));
  return counts.map((n, i) => (i === bin ? n + 1 : n));
}
