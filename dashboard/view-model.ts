import { OrderedMap } from "immutable";
import { z } from "zod";
import { filedWhereItBelongs, type RecordedEvent } from "../bus/run-events.ts";
import { CurationConfig, ModelConfig, TournamentConfig } from "../config/topology.ts";
import { EMPTY_BOOK, foldReview, type ReviewBook } from "../curation/reviews.ts";
import { isWasted, type UsageRow } from "../curation/run-report.ts";
import type { RoundClosed, RunCompleted, RunEvent, RunStarted, UsageRecorded } from "../protocol/messages.ts";
import { stageOfType } from "../protocol/messages.ts";
import type { CloseStatus, TokenUsage } from "../protocol/schemas.ts";
import {
  EMPTY_TALLY,
  type RatingsTally,
  type StandingsRow,
  standingsOf,
  tallyOutcome,
} from "../tournament/ratings.ts";
import { outcomeOfRound, type RoundOutcome } from "../tournament/round-outcome.ts";
import type { Funnel, RoundDecision, RoundDetail } from "./wire.ts";

/** One run as the dashboard sees it: folded from the run's events, one at a time, in stream order. */
export interface RunView {
  readonly runId: string;
  readonly topologyName?: string;
  readonly target?: number;
  /** Epoch ms of run.started, or of the first event seen when run.started is not on the stream. */
  readonly startedAt?: number;
  readonly completed?: RunCompleted;
  /** Models with their prices, from the run.started config. */
  readonly models: readonly ModelConfig[];
  /** Tournament players to list before their first game. */
  readonly players: readonly string[];
  readonly targetDefenderSuccess?: number;
  /** curation.noveltyThreshold: a question this close to a kept one is a duplicate. */
  readonly noveltyThreshold?: number;
  /**
   * In the order the rounds were first seen. A persistent map: each fold shares all but the changed round with
   * the view before it, so folding stays cheap however long the run (a copy per event made replays quadratic).
   */
  readonly rounds: OrderedMap<string, RoundDetail>;
  readonly funnel: Funnel;
  readonly closed: Readonly<Record<CloseStatus, number>>;
  readonly rejections: Readonly<Record<string, number>>;
  readonly acceptedByLevel: Readonly<Record<string, number>>;
  readonly acceptedByComplexity: Readonly<Record<string, number>>;
  readonly usage: readonly UsageRow[];
  /** Tokens of rounds that ended without a sample for a reason other than its own quality. */
  readonly wastedTokens: number;
  /** Judged rounds in closing order: the input of the standings and the defender trend. */
  readonly outcomes: readonly RoundOutcome[];
  /** What the standings are fitted from, kept round by round so each close costs the same however long the run. */
  readonly tally: RatingsTally;
  readonly standings: readonly StandingsRow[];
  readonly deadLetters: number;
  /** What reviewers decided, per round. */
  readonly reviews: ReviewBook;
  /** Stream sequence of the last event folded in: the view's version. */
  readonly lastSeq: number;
}

type RoundEvent = Extract<RunEvent, { spec: unknown }>;

function tokensOf(usage: readonly TokenUsage[]): number {
  return usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
}

export function emptyRunView(runId: string): RunView {
  return {
    runId,
    models: [],
    players: [],
    rounds: OrderedMap(),
    funnel: { opened: 0, proposed: 0, notDuplicate: 0, answered: 0, judgedValid: 0, accepted: 0 },
    closed: { accepted: 0, rejected: 0, failed: 0, cancelled: 0 },
    rejections: {},
    acceptedByLevel: {},
    acceptedByComplexity: {},
    usage: [],
    wastedTokens: 0,
    outcomes: [],
    tally: EMPTY_TALLY,
    standings: [],
    deadLetters: 0,
    reviews: EMPTY_BOOK,
    lastSeq: 0,
  };
}

/** Folds one recorded event into the view. Pure: the view passed in is left as it was. */
export function foldRunEvent(view: RunView, recorded: RecordedEvent): RunView {
  return { ...foldEvent(view, recorded), lastSeq: recorded.seq };
}

function foldEvent(view: RunView, { event, seq, subject }: RecordedEvent): RunView {
  // A review comes after the run, perhaps long after: it says nothing about when the run started.
  if (event.type === "review.recorded.v1")
    return filedWhereItBelongs(subject, event)
      ? { ...view, reviews: foldReview(view.reviews, event, seq) }
      : view;
  const timed = view.startedAt === undefined ? { ...view, startedAt: Date.parse(event.at) } : view;
  switch (event.type) {
    case "run.started.v1": {
      const settings = runSettings(event);
      return { ...timed, ...settings, standings: standingsOf(timed.tally, settings.players) };
    }
    case "run.completed.v1":
      return { ...timed, completed: event };
    case "dlq.v1":
      return { ...timed, deadLetters: timed.deadLetters + 1 };
    case "training.updated.v1":
    case "decontamination.indexed.v1":
      return timed;
    case "usage.recorded.v1":
      return foldUsage(timed, event);
    case "round.closed.v1":
      // Exactly one close counts: a re-published close (after a crash) is the same round again.
      return timed.rounds.get(event.spec.roundId)?.decision
        ? timed
        : closeRound(foldRoundStage(timed, event), event);
    default:
      return foldRoundStage(timed, event);
  }
}

type RunSettings = Pick<
  RunView,
  | "topologyName"
  | "target"
  | "startedAt"
  | "models"
  | "players"
  | "targetDefenderSuccess"
  | "noveltyThreshold"
>;

function runSettings(event: RunStarted): RunSettings {
  const models = ModelConfig.array().safeParse(event.config.models);
  const tournament = TournamentConfig.safeParse(event.config.tournament ?? {});
  const curation = z
    .object({ noveltyThreshold: CurationConfig.shape.noveltyThreshold })
    .safeParse(event.config.curation ?? {});
  return {
    topologyName: event.topologyName,
    target: event.target,
    startedAt: Date.parse(event.at),
    // The config is recorded as the topology validated it; a run recorded by another version may not parse,
    // and then the page simply goes without prices and the defender target.
    models: models.success ? models.data : [],
    players: tournament.success ? (tournament.data.models ?? []) : [],
    targetDefenderSuccess: tournament.success ? tournament.data.targetDefenderSuccess : undefined,
    noveltyThreshold: curation.success ? curation.data.noveltyThreshold : undefined,
  };
}

/** Which funnel step a round reaches with this event, if any. */
function funnelStep(event: RoundEvent): keyof Funnel | undefined {
  switch (event.type) {
    case "round.opened.v1":
      return "opened";
    case "question.proposed.v1":
      return "proposed";
    case "question.screened.v1":
      return "notDuplicate";
    case "answer.submitted.v1":
      return "answered";
    case "verdict.issued.v1":
      return event.verdict.valid ? "judgedValid" : undefined;
    case "round.closed.v1":
      return event.status === "accepted" ? "accepted" : undefined;
  }
}

/** Records what the event adds to its round, and counts the round into the funnel the first time it gets there. */
function foldRoundStage(view: RunView, event: RoundEvent): RunView {
  const before = view.rounds.get(event.spec.roundId);
  const stage = stageOfType(event.type);
  const round = mergeRound(before ?? newRound(event), event, stage);
  const rounds = view.rounds.set(event.spec.roundId, round);
  const step = funnelStep(event);
  const firstTime = !before?.stages.includes(stage);
  const funnel = step && firstTime ? { ...view.funnel, [step]: view.funnel[step] + 1 } : view.funnel;
  return { ...view, rounds, funnel };
}

function newRound(event: RoundEvent): RoundDetail {
  return { spec: event.spec, stages: [], usage: [] };
}

/**
 * A billed call: into the books, and into its round's ledger when the round is known. An answer from the
 * response cache billed nothing: it is counted apart, with the tokens it saved, not as a call.
 */
function foldUsage(view: RunView, event: UsageRecorded): RunView {
  const { model, role, promptTokens, completionTokens, costUsd, cached } = event;
  const call = {
    model,
    role,
    promptTokens,
    completionTokens,
    calls: cached ? 0 : 1,
    ...(cached && { cachedCalls: 1, savedTokens: cached.promptTokens + cached.completionTokens }),
  };
  const round = event.roundId === undefined ? undefined : view.rounds.get(event.roundId);
  const rounds = round
    ? view.rounds.set(round.spec.roundId, { ...round, usage: [...round.usage, call] })
    : view.rounds;
  return { ...view, rounds, usage: addToBooks(view.usage, { ...call, costUsd }) };
}

function addToBooks(
  rows: readonly UsageRow[],
  call: Omit<UsageRow, "costUsd"> & { costUsd?: number },
): UsageRow[] {
  const found = rows.some((r) => r.model === call.model && r.role === call.role);
  const added = rows.map((r) =>
    r.model === call.model && r.role === call.role
      ? {
          ...r,
          calls: r.calls + call.calls,
          promptTokens: r.promptTokens + call.promptTokens,
          completionTokens: r.completionTokens + call.completionTokens,
          costUsd: call.costUsd === undefined ? r.costUsd : (r.costUsd ?? 0) + call.costUsd,
          ...(call.cachedCalls && {
            cachedCalls: (r.cachedCalls ?? 0) + call.cachedCalls,
            savedTokens: (r.savedTokens ?? 0) + (call.savedTokens ?? 0),
          }),
        }
      : r,
  );
  const books = found ? added : [...rows, { ...call, costUsd: call.costUsd }];
  return books.sort((a, b) => a.model.localeCompare(b.model) || a.role.localeCompare(b.role));
}

function mergeRound(round: RoundDetail, event: RoundEvent, stage: string): RoundDetail {
  const closed = event.type === "round.closed.v1" ? event : undefined;
  const sample = closed?.sample;
  return {
    ...round,
    stages: round.stages.includes(stage) ? round.stages : [...round.stages, stage],
    question: ("question" in event ? event.question : sample?.question) ?? round.question,
    novelty: ("novelty" in event ? event.novelty : undefined) ?? round.novelty,
    answer: ("answer" in event ? event.answer : sample?.answer) ?? round.answer,
    verdict: ("verdict" in event ? event.verdict : undefined) ?? round.verdict,
    decision: closed ? decisionOf(closed) : round.decision,
  };
}

function decisionOf({ status, reasonCode, reason, stage, at }: RoundClosed): RoundDecision {
  return { status, reasonCode, reason, stage, at };
}

/** Counts a round's close into the totals; its details were merged like any other stage's. */
function closeRound(view: RunView, event: RoundClosed): RunView {
  const { status, reasonCode } = event;
  const outcome = outcomeOfRound(event);
  const outcomes = outcome ? [...view.outcomes, outcome] : view.outcomes;
  const accepted = status === "accepted" ? event.sample : undefined;
  return {
    ...view,
    closed: { ...view.closed, [status]: view.closed[status] + 1 },
    rejections: status === "accepted" ? view.rejections : bump(view.rejections, reasonCode ?? "unspecified"),
    acceptedByLevel: accepted ? bump(view.acceptedByLevel, accepted.verdict.level) : view.acceptedByLevel,
    acceptedByComplexity: accepted
      ? bump(view.acceptedByComplexity, String(accepted.complexity))
      : view.acceptedByComplexity,
    // A round's calls are recorded before it closes: its usage is complete here.
    wastedTokens: isWasted(event)
      ? view.wastedTokens + tokensOf(view.rounds.get(event.spec.roundId)?.usage ?? [])
      : view.wastedTokens,
    outcomes,
    ...(outcome && standingsAfter(view, outcome)),
  };
}

function standingsAfter(view: RunView, outcome: RoundOutcome): Pick<RunView, "tally" | "standings"> {
  const tally = tallyOutcome(view.tally, outcome);
  return { tally, standings: standingsOf(tally, view.players) };
}

function bump(counts: Readonly<Record<string, number>>, key: string): Record<string, number> {
  return { ...counts, [key]: (counts[key] ?? 0) + 1 };
}
