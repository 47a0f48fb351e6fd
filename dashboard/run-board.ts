import type { RecordedEvent } from "../bus/run-events.ts";
import type { ReviewBook, ReviewedRound } from "../curation/reviews.ts";
import type { Heartbeat } from "../protocol/messages.ts";
import type { Verdict } from "../protocol/schemas.ts";
import { parseRunSubject, STAGES } from "../protocol/subjects.ts";
import { type AgentRoster, recordHeartbeat } from "./agent-roster.ts";
import { agreement } from "./agreement.ts";
import { reviewFlags } from "./review-queue.ts";
import { matchesQuery } from "./round-query.ts";
import { roundRow, runListItem, runSnapshot } from "./snapshot.ts";
import { emptyTimeline, foldTimeline, type TimelineState, timelineOf } from "./timeline.ts";
import { emptyRunView, foldRunEvent, type RunView } from "./view-model.ts";
import type {
  Agreement,
  RoundDetail,
  RoundPage,
  RoundQuery,
  RoundReview,
  RunListItem,
  RunSnapshot,
} from "./wire.ts";

interface BoardEntry {
  view: RunView;
  roster: AgentRoster;
  timeline: TimelineState;
  /**
   * Per round, the stream sequence of the last message on its review subject, whatever it was: JetStream checks
   * a decision against that one, so a malformed or misfiled message there (skipped by the view) still counts.
   */
  reviewSubjects: Map<string, number>;
  /** Agreement is worked out again only when the reviews or the judged rounds change. */
  agreement?: { reviews: ReviewBook; judged: number; value: Agreement };
}

export interface RunBoardOptions {
  clock?: () => number;
  /** Whether a run's folder is on this host, so the page can download its export. */
  exportable?: (runId: string) => boolean;
}

/**
 * Every run the dashboard follows: the NATS side feeds it events and heartbeats, the HTTP side reads
 * snapshots, and listeners hear which run changed so updates can be pushed.
 */
export class RunBoard {
  private readonly runs = new Map<string, BoardEntry>();
  private readonly listeners = new Set<(runId: string) => void>();
  private readonly clock: () => number;
  private readonly exportable: (runId: string) => boolean;

  constructor(options: RunBoardOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.exportable = options.exportable ?? (() => false);
  }

  /** Lists a run before its first event arrives (a run named on the command line). */
  track(runId: string): void {
    this.entry(runId);
    this.changed(runId);
  }

  applyEvent(runId: string, recorded: RecordedEvent): void {
    const entry = this.entry(runId);
    noteReviewSubject(entry, recorded.subject, recorded.seq);
    const before = entry.view;
    entry.view = foldRunEvent(before, recorded);
    entry.timeline = foldTimeline(entry.timeline, before, entry.view, recorded);
    this.changed(runId);
  }

  /** A message on the run's stream that is no valid event: nothing to show, but it may be a review subject's last. */
  applySkipped(runId: string, subject: string, seq: number): void {
    noteReviewSubject(this.entry(runId), subject, seq);
  }

  applyHeartbeat(beat: Heartbeat): void {
    const entry = this.entry(beat.runId);
    entry.roster = recordHeartbeat(entry.roster, beat, this.clock());
    this.changed(beat.runId);
  }

  /** Calls `listener` with the id of each run that changes; returns the unsubscribe function. */
  onChange(listener: (runId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  runIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Newest run first; a run with no event yet (only heartbeats, or named on the command line) counts as newest. */
  list(): RunListItem[] {
    const now = this.clock();
    const startOf = (entry: BoardEntry) => entry.view.startedAt ?? Number.POSITIVE_INFINITY;
    return [...this.runs.values()]
      .sort((a, b) => startOf(b) - startOf(a) || a.view.runId.localeCompare(b.view.runId))
      .map((entry) => runListItem(entry.view, entry.roster, now));
  }

  snapshot(runId: string): RunSnapshot | undefined {
    const entry = this.runs.get(runId);
    if (!entry) return undefined;
    return runSnapshot(entry.view, entry.roster, this.clock(), {
      timeline: timelineOf(entry.timeline, entry.view),
      agreement: this.agreementOf(entry),
      exportable: this.exportable(runId),
    });
  }

  round(runId: string, roundId: string): RoundDetail | undefined {
    const view = this.runs.get(runId)?.view;
    const round = view?.rounds.get(roundId);
    if (!view || !round) return undefined;
    const reviewed = view.reviews.get(roundId);
    const reviewSeq = this.lastReviewSeq(runId, roundId);
    return { ...round, reviewSeq, ...(reviewed && { review: reviewOnWire(reviewed) }) };
  }

  /** The last message on the round's review subject, which the next decision on it must be based on (0: none). */
  lastReviewSeq(runId: string, roundId: string): number {
    return this.runs.get(runId)?.reviewSubjects.get(roundId) ?? 0;
  }

  /** The rounds of a run that pass the query, newest first, one page of them. */
  queryRounds(runId: string, query: RoundQuery): RoundPage | undefined {
    const view = this.runs.get(runId)?.view;
    if (!view) return undefined;
    const context = { reviews: view.reviews, flagsOf: (round: RoundDetail) => reviewFlags(round, view) };
    const matching = [...view.rounds.values()]
      .filter((round) => matchesQuery(round, query, context))
      .reverse();
    return {
      total: matching.length,
      rows: matching.slice(query.offset, query.offset + query.limit).map((round) => roundRow(round, view)),
    };
  }

  private agreementOf(entry: BoardEntry): Agreement {
    const { view } = entry;
    const judged = view.outcomes.length;
    const cached = entry.agreement;
    if (cached && cached.reviews === view.reviews && cached.judged === judged) return cached.value;
    const verdicts = new Map<string, Verdict>();
    for (const [roundId, round] of view.rounds) if (round.verdict) verdicts.set(roundId, round.verdict);
    const value = agreement(verdicts, view.reviews);
    entry.agreement = { reviews: view.reviews, judged, value };
    return value;
  }

  private entry(runId: string): BoardEntry {
    let entry = this.runs.get(runId);
    if (!entry) {
      entry = {
        view: emptyRunView(runId),
        roster: new Map(),
        timeline: emptyTimeline(),
        reviewSubjects: new Map(),
      };
      this.runs.set(runId, entry);
    }
    return entry;
  }

  private changed(runId: string): void {
    for (const listener of this.listeners) listener(runId);
  }
}

const REVIEW_STAGE_PREFIX = `${STAGES.reviewRecorded}.`;

function noteReviewSubject(entry: BoardEntry, subject: string, seq: number): void {
  const stage = parseRunSubject(subject)?.stage;
  if (!stage?.startsWith(REVIEW_STAGE_PREFIX)) return;
  const roundId = stage.slice(REVIEW_STAGE_PREFIX.length);
  entry.reviewSubjects.set(roundId, Math.max(seq, entry.reviewSubjects.get(roundId) ?? 0));
}

function reviewOnWire(reviewed: ReviewedRound): RoundReview {
  return {
    status: reviewed.status,
    reason: reviewed.reason,
    note: reviewed.note,
    edits: reviewed.edits,
    reviewers: [...reviewed.reviewers],
    lastSeq: reviewed.lastSeq,
    history: reviewed.history.map(
      ({ seq, at, reviewer, action, reason, note, edits, before, assessment }) => ({
        seq,
        at,
        reviewer,
        action,
        reason,
        note,
        edits,
        before,
        assessment,
      }),
    ),
  };
}
