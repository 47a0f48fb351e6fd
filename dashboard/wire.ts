import { z } from "zod";
import { Heartbeat, RejectionReason, RoundClosed, RunCompleted } from "../protocol/messages.ts";
import {
  QuestionEdits,
  ReviewAction,
  ReviewAssessment,
  ReviewerName,
  ReviewNote,
  ReviewReason,
} from "../protocol/review.ts";
import { StandingsRow, UsageRow } from "../protocol/run-report.ts";
import {
  Answer,
  CloseStatus,
  Level,
  NoveltyReport,
  Outcome,
  Question,
  RoundSpec,
  TokenUsage,
  Verdict,
} from "../protocol/schemas.ts";

/**
 * What the dashboard server sends the page. The server builds these from its view model; the page
 * `safeParse`s every message before it renders anything, so one definition serves both ends.
 */

/** One row of the tournament standings, as JSON. */
export const Standing = StandingsRow;
export type Standing = StandingsRow;

/** How the Curator (or whichever stage closed the round) decided. */
export const RoundDecision = RoundClosed.pick({
  status: true,
  reasonCode: true,
  reason: true,
  stage: true,
  at: true,
});
export type RoundDecision = z.infer<typeof RoundDecision>;

export const ReviewStatus = z.enum(["approved", "rejected", "edited"]);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

/** One review as the page lists it in a round's history. */
export const ReviewEntry = z.object({
  seq: z.number(),
  at: z.string(),
  reviewer: z.string(),
  action: ReviewAction,
  reason: ReviewReason.optional(),
  note: z.string().optional(),
  edits: z.record(z.string(), z.unknown()).optional(),
  before: z.record(z.string(), z.unknown()).optional(),
  assessment: ReviewAssessment.optional(),
});
export type ReviewEntry = z.infer<typeof ReviewEntry>;

/** What people made of a round: its decision, its edits, and every review in order. */
export const RoundReview = z.object({
  status: ReviewStatus.optional(),
  reason: ReviewReason.optional(),
  note: z.string().optional(),
  edits: z.record(z.string(), z.unknown()),
  reviewers: z.array(z.string()),
  lastSeq: z.number().describe("what the next decision on this round is based on"),
  history: z.array(ReviewEntry),
});
export type RoundReview = z.infer<typeof RoundReview>;

/** Everything one round has produced so far: what the round browser shows when a round is opened. */
export const RoundDetail = z.object({
  spec: RoundSpec,
  /** Stages seen, in arrival order (`round.opened`, `question.proposed`, ...). */
  stages: z.array(z.string()),
  question: Question.optional(),
  novelty: NoveltyReport.optional(),
  answer: Answer.optional(),
  verdict: Verdict.optional(),
  decision: RoundDecision.optional(),
  usage: z.array(TokenUsage),
  review: RoundReview.optional(),
  reviewSeq: z
    .number()
    .optional()
    .describe(
      "stream sequence of the last message on the round's review subject: what a decision is based on",
    ),
});
export type RoundDetail = z.infer<typeof RoundDetail>;

/** One line of the round list. */
export const RoundRow = z.object({
  roundId: z.string(),
  seq: z.number(),
  domain: z.string(),
  skill: z.string(),
  complexity: z.number(),
  attacker: z.string(),
  defender: z.string(),
  stage: z.string(),
  status: CloseStatus.optional(),
  reasonCode: RejectionReason.optional(),
  level: Level.optional(),
  outcome: Outcome.optional(),
  question: z.string().optional().describe("the question, clipped"),
  flags: z
    .array(z.string())
    .describe("why a person should look: the Judge's marks, a borderline level, a near duplicate"),
  maxSimilarity: z.number().optional(),
  review: z
    .object({
      status: ReviewStatus.optional(),
      reviewers: z.array(z.string()),
      edited: z.boolean(),
      lastSeq: z.number(),
    })
    .optional(),
});
export type RoundRow = z.infer<typeof RoundRow>;

export const AgentInstance = z.object({
  instance: z.string(),
  host: z.string(),
  pid: z.number(),
  status: Heartbeat.shape.status,
  inFlight: z.number(),
  handled: z.number(),
  alive: z.boolean(),
  lastSeenMs: z.number().describe("milliseconds since its last heartbeat reached the dashboard"),
});
export type AgentInstance = z.infer<typeof AgentInstance>;

export const AgentGroup = z.object({
  agentType: z.string(),
  alive: z.number().describe("replicas with a recent heartbeat"),
  inFlight: z.number().describe("messages the live replicas are handling"),
  handled: z.number(),
  instances: z.array(AgentInstance),
});
export type AgentGroup = z.infer<typeof AgentGroup>;

/** Rounds that reached each stage: each count is at most the one before it. */
export const Funnel = z.object({
  opened: z.number(),
  proposed: z.number(),
  notDuplicate: z.number(),
  answered: z.number(),
  judgedValid: z.number(),
  accepted: z.number(),
});
export type Funnel = z.infer<typeof Funnel>;

export const DefenderTrend = z.object({
  target: z.number().nullable().describe("config.tournament.targetDefenderSuccess"),
  overall: z.number().nullable(),
  window: z.number().describe("valid games each point averages over"),
  points: z.array(z.object({ game: z.number(), rate: z.number() })),
});
export type DefenderTrend = z.infer<typeof DefenderTrend>;

/** One moment of a run, at a round's close: the running totals the charts draw over time. */
export const TimelinePoint = z.object({
  t: z.number().describe("milliseconds since the run started"),
  closed: z.number().describe("rounds closed so far"),
  accepted: z.number(),
  tokens: z.number().describe("billed tokens so far"),
  costUsd: z.number().nullable().describe("billed cost so far; null while no model has a price"),
  wastedTokens: z.number(),
});
export type TimelinePoint = z.infer<typeof TimelinePoint>;

/** A model's defence rating after each judged game, with its 95% interval. */
export const RatingTrack = z.object({
  model: z.string(),
  points: z.array(z.object({ game: z.number(), rating: z.number(), low: z.number(), high: z.number() })),
});
export type RatingTrack = z.infer<typeof RatingTrack>;

export const NoveltyHistogram = z.object({
  threshold: z
    .number()
    .nullable()
    .describe("curation.noveltyThreshold: a question this close to a kept one is a duplicate"),
  binWidth: z.number(),
  /** Screened questions per bin of maximum similarity, from 0 up. */
  counts: z.array(z.number()),
});
export type NoveltyHistogram = z.infer<typeof NoveltyHistogram>;

/** What the charts draw: bounded in size however long the run (points are thinned evenly). */
export const Timeline = z.object({
  points: z.array(TimelinePoint),
  ratings: z.array(RatingTrack),
  novelty: NoveltyHistogram,
});
export type Timeline = z.infer<typeof Timeline>;

/** Kappa between two raters on the pairs both rated, with a 95% bootstrap interval. */
export const Kappa = z.object({
  n: z.number().describe("(reviewer, round) pairs"),
  observed: z.number().nullable().describe("share of pairs where both said the same"),
  kappa: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
});
export type Kappa = z.infer<typeof Kappa>;

/**
 * How far people agree with the Judge, over (reviewer, round) pairs: on validity (Cohen's kappa) and on level
 * (quadratic-weighted kappa: L4 against L5 counts as a near miss), for everyone together and for each reviewer.
 */
export const Agreement = z.object({
  validity: Kappa,
  level: Kappa.describe("quadratic-weighted over L1-L5"),
  reviewers: z.array(z.object({ reviewer: z.string(), validity: Kappa, level: Kappa })),
});
export type Agreement = z.infer<typeof Agreement>;

export const ReviewCounts = z.object({
  approved: z.number(),
  rejected: z.number(),
  edited: z.number(),
  unreviewed: z.number().describe("accepted samples nobody decided on yet"),
  reviewers: z.array(z.string()),
});
export type ReviewCounts = z.infer<typeof ReviewCounts>;

const RunStatus = z.union([z.literal("running"), RunCompleted.shape.status]);

export const RunSnapshot = z.object({
  runId: z.string(),
  topologyName: z.string().optional(),
  status: RunStatus,
  startedAt: z.number().nullable().describe("epoch ms; null before the run's first event"),
  reason: z.string(),
  live: z.boolean().describe("some agent of the run sent a recent heartbeat"),
  target: z.number().optional(),
  accepted: z.number(),
  rejected: z.number(),
  failed: z.number(),
  cancelled: z
    .number()
    .describe("rounds cut short because the run could no longer pay for them or was stopped"),
  inFlight: z.number(),
  elapsedMs: z.number(),
  roundsPerMinute: z.number(),
  etaMs: z.number().nullable(),
  tokens: z.number(),
  wastedShare: z
    .number()
    .describe(
      "share of tokens spent on rounds that ended without a sample for a reason other than its own quality",
    ),
  costUsd: z.number().nullable(),
  usage: z.array(UsageRow),
  funnel: Funnel,
  rejections: z.record(z.string(), z.number()),
  acceptedByLevel: z.record(z.string(), z.number()),
  acceptedByComplexity: z.record(z.string(), z.number()),
  defender: DefenderTrend,
  standings: z.array(Standing),
  agents: z.array(AgentGroup),
  rounds: z.array(RoundRow).describe("newest first, at most ROUND_LIST_LIMIT"),
  roundCount: z.number(),
  deadLetters: z.number(),
  lastSeq: z.number().describe("stream sequence of the newest event shown: the snapshot's version"),
  facets: z
    .object({ skills: z.array(z.string()), domains: z.array(z.string()) })
    .describe("the run's skills and domains, for the round filters"),
  timeline: Timeline,
  agreement: Agreement,
  reviews: ReviewCounts,
  exportable: z
    .boolean()
    .describe("the run folder is on the dashboard's host, so the page can download an export"),
});
export type RunSnapshot = z.infer<typeof RunSnapshot>;

export const RunListItem = RunSnapshot.pick({
  runId: true,
  topologyName: true,
  status: true,
  live: true,
  accepted: true,
  target: true,
  startedAt: true,
});
export type RunListItem = z.infer<typeof RunListItem>;

/** One Server-Sent Events message: the list of runs, or the latest snapshot of one run. */
export const DashboardUpdate = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("runs"), runs: z.array(RunListItem) }),
  z.object({ kind: z.literal("run"), run: RunSnapshot }),
]);
export type DashboardUpdate = z.infer<typeof DashboardUpdate>;

/** A reviewer's decision as the page sends it; the server adds the time, its id and the review's producer. */
export const ReviewRequest = z.strictObject({
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, "a random id of 8-64 letters, digits, '-' or '_'")
    .describe("the page's id for this decision: sending it again records it once"),
  reviewer: ReviewerName,
  action: ReviewAction,
  reason: ReviewReason.optional(),
  note: ReviewNote.optional(),
  edits: QuestionEdits.optional(),
  assessment: ReviewAssessment.optional(),
  basedOn: z
    .number()
    .int()
    .nonnegative()
    .describe("lastSeq of the round's review as the page saw it (0: none)"),
});
export type ReviewRequest = z.infer<typeof ReviewRequest>;

/** What the server answers to a write it refused: the field at fault, when one is. */
export const WriteProblem = z.object({
  error: z.string(),
  field: z.string().optional(),
  lastSeq: z.number().optional().describe("on a conflict: the round's latest review, to look at again"),
});
export type WriteProblem = z.infer<typeof WriteProblem>;

/** How this dashboard takes writes: open on loopback, with a token elsewhere, or not at all. */
export const Session = z.object({
  writes: z.enum(["open", "token", "off"]),
  exportFormats: z.array(z.string()).describe("what the export download can write, the default first"),
});
export type Session = z.infer<typeof Session>;

/** Filters of the round list: every field optional, all given ones must hold. */
export const RoundQuery = z.object({
  status: z.union([CloseStatus, z.literal("open")]).optional(),
  level: Level.optional(),
  reason: RejectionReason.optional(),
  skill: z.string().max(200).optional(),
  domain: z.string().max(200).optional(),
  complexity: z.coerce.number().int().min(1).max(5).optional(),
  review: z.enum(["approved", "rejected", "edited", "unreviewed", "flagged"]).optional(),
  q: z
    .string()
    .max(500)
    .optional()
    .describe("words that must all appear in the question, answer, solution or verdict"),
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type RoundQuery = z.infer<typeof RoundQuery>;

export const RoundPage = z.object({
  total: z.number().describe("rounds that match, of every round of the run"),
  rows: z.array(RoundRow),
});
export type RoundPage = z.infer<typeof RoundPage>;

/** Header that marks a write as sent by the page's own script (a cross-site form cannot set it). */
export const WRITE_HEADER = "X-NanoFlux-Write";

/** HTTP paths the page uses; the server routes exactly these. */
export const API = {
  events: "/api/events",
  session: "/api/session",
  round: (runId: string, roundId: string) =>
    `/api/runs/${encodeURIComponent(runId)}/rounds/${encodeURIComponent(roundId)}`,
  rounds: (runId: string) => `/api/runs/${encodeURIComponent(runId)}/rounds`,
  reviews: (runId: string, roundId: string) =>
    `/api/runs/${encodeURIComponent(runId)}/rounds/${encodeURIComponent(roundId)}/reviews`,
  export: (runId: string) => `/api/runs/${encodeURIComponent(runId)}/export`,
} as const;

const RUN_PATH = /^\/api\/runs\/([^/]+)\/(rounds|export)(?:\/([^/]+)(\/reviews)?)?$/;

export type ApiPath =
  | { kind: "round" | "reviews"; runId: string; roundId: string }
  | { kind: "rounds" | "export"; runId: string };

function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch (err) {
    if (err instanceof URIError) return undefined;
    throw err;
  }
}

/** Which run endpoint a path names, with its ids decoded; undefined for other paths and malformed escapes. */
export function parseApiPath(path: string): ApiPath | undefined {
  const [, rawRun, collection, rawRound, reviews] = RUN_PATH.exec(path) ?? [];
  const runId = rawRun === undefined ? undefined : decoded(rawRun);
  if (runId === undefined) return undefined;
  if (collection === "export") return rawRound === undefined ? { kind: "export", runId } : undefined;
  if (rawRound === undefined) return { kind: "rounds", runId };
  const roundId = decoded(rawRound);
  if (roundId === undefined) return undefined;
  return { kind: reviews ? "reviews" : "round", runId, roundId };
}
