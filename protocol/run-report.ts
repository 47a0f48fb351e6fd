import { z } from "zod";
import { RunCompleted } from "./messages.ts";
import { BenchmarkRef, CloseStatus, DecontaminationIndex } from "./schemas.ts";

/**
 * The run report (`report.json`) and its parts, defined once: the runner writes it, the summary, the dashboard,
 * the dataset card and `compare` read it.
 */

/** A rating with its 95% interval. */
export const RatingInterval = z.object({
  rating: z.number(),
  ci95: z.tuple([z.number(), z.number()]).readonly(),
});
export type RatingInterval = z.infer<typeof RatingInterval>;

/** One model's tournament standing. */
export const StandingsRow = z.object({
  model: z.string(),
  attack: RatingInterval,
  defence: RatingInterval,
  /** Valid games in either role; a self-play game counts once. */
  games: z.number().int().nonnegative(),
  attackWins: z.number().int().nonnegative(),
  defences: z.number().int().nonnegative(),
  /** Questions this model wrote that the Judge found invalid: they count against it but are not games. */
  invalid: z.number().int().nonnegative(),
  /** Defences per game as defender; null before its first game as defender. */
  defenderSuccessRate: z.number().nullable(),
});
export type StandingsRow = z.infer<typeof StandingsRow>;

/** Tokens and money for one model in one role (no cost where the model has no price). */
export const UsageRow = z.object({
  model: z.string(),
  role: z.string(),
  calls: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative().optional(),
  /** Answers served from the response cache (not in `calls`: nothing was billed for them). */
  cachedCalls: z.number().int().nonnegative().optional(),
  /** Tokens those cached answers had cost when first bought: what the cache saved. */
  savedTokens: z.number().int().nonnegative().optional(),
});
export type UsageRow = z.infer<typeof UsageRow>;

/** One round in the cost ledger. */
export const RoundLedgerRow = z.object({
  roundId: z.string(),
  attacker: z.string(),
  defender: z.string(),
  status: CloseStatus,
  reasonCode: z.string().optional(),
  tokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative().optional(),
  /** Tokens of a round that ended with no sample for a reason other than the sample's own quality. */
  wasted: z.boolean(),
});
export type RoundLedgerRow = z.infer<typeof RoundLedgerRow>;

/**
 * What decontamination did in a run, put together from the bus: the benchmark index the curators announced
 * and the check every round carries, so curators on any host count.
 */
export const DecontaminationReport = z.object({
  ...DecontaminationIndex.shape,
  checked: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  /** The first rejections, each with the benchmark item it resembled. */
  rejections: z.array(
    z.object({
      text: z.string(),
      similarity: z.number(),
      ngramOverlap: z.number(),
      nearest: BenchmarkRef.optional(),
    }),
  ),
});
export type DecontaminationReport = z.infer<typeof DecontaminationReport>;

const Counts = z.record(z.string(), z.number().int().nonnegative());

export const RunReport = z.object({
  runId: z.string(),
  status: z.union([RunCompleted.shape.status, z.enum(["running", "interrupted"])]),
  reason: z.string(),
  target: z.number().int().positive(),
  rounds: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  /** Turned away for the sample's own quality. */
  rejected: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Cut short because the run could no longer pay for them or was stopped. */
  cancelled: z.number().int().nonnegative(),
  byReason: Counts,
  byOutcome: Counts,
  acceptedByLevel: Counts,
  acceptedByComplexity: Counts,
  acceptedBySkill: Counts,
  acceptedByDomain: Counts,
  judgedByLevel: Counts,
  usage: z.array(UsageRow),
  standings: z.array(StandingsRow),
  roundLedger: z.array(RoundLedgerRow),
  /** Every token the endpoints billed, from the run's usage records. */
  totalTokens: z.number().int().nonnegative(),
  totalCostUsd: z.number().nonnegative().optional(),
  /** Tokens of rounds that ended without a sample for a reason other than its own quality. */
  wastedTokens: z.number().int().nonnegative(),
  /** wastedTokens over totalTokens: the share of the spending that bought nothing. */
  wastedShare: z.number().nonnegative(),
  /** Answers served from the response cache, and the tokens they had cost: none of it is in the totals. */
  cachedCalls: z.number().int().nonnegative().optional(),
  savedTokens: z.number().int().nonnegative().optional(),
  /** Tokens billed outside any round (evaluation, probes): part of the total, in no round's ledger. */
  unroundedTokens: z.number().int().nonnegative(),
  noveltyThreshold: z.number(),
  levels: z.array(z.string()),
  decontamination: DecontaminationReport.optional(),
});
export type RunReport = z.infer<typeof RunReport>;
