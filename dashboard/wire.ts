import { z } from "zod";
import { Heartbeat, RejectionReason, RoundClosed, RunCompleted } from "../protocol/messages.ts";
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

const RunStatus = z.union([z.literal("running"), RunCompleted.shape.status]);

export const RunSnapshot = z.object({
  runId: z.string(),
  topologyName: z.string().optional(),
  status: RunStatus,
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
});
export type RunSnapshot = z.infer<typeof RunSnapshot>;

export const RunListItem = RunSnapshot.pick({
  runId: true,
  topologyName: true,
  status: true,
  live: true,
  accepted: true,
  target: true,
});
export type RunListItem = z.infer<typeof RunListItem>;

/** One Server-Sent Events message: the list of runs, or the latest snapshot of one run. */
export const DashboardUpdate = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("runs"), runs: z.array(RunListItem) }),
  z.object({ kind: z.literal("run"), run: RunSnapshot }),
]);
export type DashboardUpdate = z.infer<typeof DashboardUpdate>;

/** HTTP paths the page uses; the server routes exactly these. */
export const API = {
  events: "/api/events",
  round: (runId: string, roundId: string) =>
    `/api/runs/${encodeURIComponent(runId)}/rounds/${encodeURIComponent(roundId)}`,
} as const;

const ROUND_PATH = /^\/api\/runs\/([^/]+)\/rounds\/([^/]+)$/;

/** The run and round ids of an `API.round` path; undefined for other paths and for malformed escapes. */
export function parseRoundPath(path: string): { runId: string; roundId: string } | undefined {
  const [, runId, roundId] = ROUND_PATH.exec(path) ?? [];
  if (runId === undefined || roundId === undefined) return undefined;
  try {
    return { runId: decodeURIComponent(runId), roundId: decodeURIComponent(roundId) };
  } catch (err) {
    if (err instanceof URIError) return undefined;
    throw err;
  }
}
