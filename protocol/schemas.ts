import { z } from "zod";

/**
 * The data a round accumulates. Bus messages (bus/messages.ts) carry these; model outputs (llm/role-outputs.ts)
 * are turned into them. One definition each, with the inferred type of the same name.
 */

export const RoleName = z.enum(["attacker", "defender", "judge", "curator", "scheduler", "trainer"]);
export type RoleName = z.infer<typeof RoleName>;

export const Level = z.enum(["L1", "L2", "L3", "L4", "L5"]);
export type Level = z.infer<typeof Level>;

export const Outcome = z.enum(["attack_succeeded", "defended", "invalid_question"]);
export type Outcome = z.infer<typeof Outcome>;

/** What answers served from the response cache had cost when they were first bought: what the cache saved. */
export const CachedTokens = z.object({
  calls: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type CachedTokens = z.infer<typeof CachedTokens>;

export const TokenUsage = z.object({
  model: z.string(),
  role: z.string(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative().default(1),
  /**
   * Answers served from the response cache: billed nothing (they are in neither the tokens nor the calls
   * above); their tokens are what the stored answers had cost, the spending the cache saved.
   */
  cached: CachedTokens.optional(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** What the scheduler decides when it opens a round. */
export const RoundSpec = z.object({
  runId: z.string(),
  roundId: z.string(),
  seq: z.number().int().nonnegative(),
  domain: z.string(),
  skill: z.string(),
  complexity: z.number().int().min(1).max(5),
  attacker: z.string().describe("model id from the topology"),
  defender: z.string().describe("model id from the topology"),
  judge: z.string().describe("model id from the topology"),
  openedAt: z.string(),
});
export type RoundSpec = z.infer<typeof RoundSpec>;

export const Question = z.object({
  text: z.string().min(1),
  /** Multiple-choice domains: option letter -> text. */
  options: z.record(z.string(), z.string()).optional(),
  referenceAnswer: z.string().min(1),
  solutionSteps: z.array(z.string()).min(1),
  skill: z.string(),
  hops: z.number().int().min(1).max(10),
});
export type Question = z.infer<typeof Question>;

export const Answer = z.object({
  reasoning: z.string(),
  finalAnswer: z.string(),
});
export type Answer = z.infer<typeof Answer>;

export const ToolEvidence = z.object({
  tool: z.string(),
  arguments: z.unknown(),
  ok: z.boolean(),
  output: z.string(),
  durationMs: z.number().nonnegative().optional(),
});
export type ToolEvidence = z.infer<typeof ToolEvidence>;

export const RubricScores = z.record(z.string(), z.number().min(1).max(5));
export type RubricScores = z.infer<typeof RubricScores>;

/** The Judge's blind phase as it answered: what it derived from the question alone, before seeing the reference. */
export const Derivation = z.object({
  wellPosed: z.boolean(),
  /** What makes the question ill-posed, in the Judge's words; empty when it is well posed. */
  problem: z.string(),
  answer: z.string(),
  reasoning: z.string(),
});
export type Derivation = z.infer<typeof Derivation>;

const VerdictBase = {
  validityReason: z.string(),
  reason: z.string(),
  /** Machine-readable marks such as `injection:question`, for filtering without parsing `reason`. */
  flags: z.array(z.string()).default([]),
  /** The tool calls of the blind derivation. */
  evidence: z.array(ToolEvidence).default([]),
  derivation: Derivation,
};

/**
 * A question whose reference answer the blind derivation confirmed: only these are graded, and only these
 * say whether the Defender was right.
 */
export const ValidVerdict = z.object({
  valid: z.literal(true),
  ...VerdictBase,
  /** The answer the Judge holds to be right: what its blind derivation gave (tools' output for numeric packs). */
  verifiedAnswer: z.string(),
  defenderCorrect: z.boolean(),
  correctnessReason: z.string(),
  /** Scores of the reference solution, the part that becomes training data. */
  rubric: RubricScores,
  score: z.number().min(1).max(5),
  level: Level,
  gradingReason: z.string(),
  outcome: z.enum(["attack_succeeded", "defended"]),
});
export type ValidVerdict = z.infer<typeof ValidVerdict>;

/** An invalid question has no Defender result and no grade: neither would mean anything. */
export const InvalidVerdict = z.object({
  valid: z.literal(false),
  ...VerdictBase,
  /** What the blind derivation gave, when it gave anything. */
  verifiedAnswer: z.string().optional(),
  outcome: z.literal("invalid_question"),
});
export type InvalidVerdict = z.infer<typeof InvalidVerdict>;

export const Verdict = z.discriminatedUnion("valid", [ValidVerdict, InvalidVerdict]);
export type Verdict = z.infer<typeof Verdict>;

/** A benchmark item, by file and line. */
export const BenchmarkRef = z.object({ file: z.string(), line: z.number().int(), text: z.string() });
export type BenchmarkRef = z.infer<typeof BenchmarkRef>;

/** A question's decontamination check: how close it came to the evaluation benchmarks. */
export const ContaminationCheck = z.object({
  contaminated: z.boolean(),
  /** Highest cosine similarity to any benchmark question (0 when there are none). */
  similarity: z.number(),
  /** Highest n-gram overlap with any benchmark question, 0..1. */
  ngramOverlap: z.number(),
  /** The benchmark question behind the decision: the n-gram match when that fired, else the nearest by embedding. */
  nearest: BenchmarkRef.optional(),
});
export type ContaminationCheck = z.infer<typeof ContaminationCheck>;

/** The benchmarks a curator checks questions against, and its limits. */
export const DecontaminationIndex = z.object({
  benchmarks: z.array(
    z.object({ file: z.string(), items: z.number().int(), malformedLines: z.number().int() }),
  ),
  similarityThreshold: z.number(),
  ngramSize: z.number().int(),
  ngramOverlap: z.number(),
});
export type DecontaminationIndex = z.infer<typeof DecontaminationIndex>;

export const NoveltyReport = z.object({
  maxSimilarity: z.number(),
  nearestId: z.string().optional(),
  nearestText: z.string().optional(),
  /** Where the nearest question is: kept, in flight, a benchmark item, or already played and rejected. */
  source: z.enum(["store", "in_flight", "benchmark", "played", "none"]),
  /** The decontamination check, when the curator ran one: it travels with the round to every host. */
  contamination: ContaminationCheck.optional(),
});
export type NoveltyReport = z.infer<typeof NoveltyReport>;

/**
 * How a round ended: a kept sample; turned away for the sample's own quality (rejected); a fault (failed); or
 * cut short because the run could no longer pay for it or was stopped (cancelled).
 */
export const CloseStatus = z.enum(["accepted", "rejected", "failed", "cancelled"]);
export type CloseStatus = z.infer<typeof CloseStatus>;

/** One accepted training sample: what lands in the dataset file. */
export const Sample = z.object({
  id: z.string(),
  runId: z.string(),
  roundId: z.string(),
  domain: z.string(),
  skill: z.string(),
  complexity: z.number().int(),
  question: Question,
  answer: Answer,
  verdict: ValidVerdict,
  novelty: NoveltyReport,
  attacker: z.string(),
  defender: z.string(),
  judge: z.string(),
  acceptedAt: z.string(),
});
export type Sample = z.infer<typeof Sample>;
