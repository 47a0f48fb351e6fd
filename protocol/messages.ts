import { z } from "zod";
import {
  INVALIDATING_REASONS,
  QuestionEdits,
  ReviewAction,
  ReviewAssessment,
  ReviewerName,
  ReviewNote,
  ReviewReason,
  VALID_BUT_REJECTED_REASONS,
} from "./review.ts";
import {
  Answer,
  CloseStatus,
  DecontaminationIndex,
  NoveltyReport,
  Question,
  RoundSpec,
  Sample,
  Verdict,
} from "./schemas.ts";
import { STAGES } from "./subjects.ts";
import { TrainingUpdated } from "./training.ts";

export { TrainingUpdated };

/**
 * One zod schema per bus message, each with a literal versioned `type`. Round messages carry the round spec
 * and everything earlier stages produced, so any replica on any host can take the next step alone.
 */

const Envelope = {
  runId: z.string(),
  at: z.string(),
  producer: z.string().describe("agent type and instance that published it"),
};

const RoundEnvelope = { ...Envelope, spec: RoundSpec };

/** What made a run beyond its topology: NanoFlux's version and a content hash of each domain pack used. */
export const RunProvenance = z.object({
  nanofluxVersion: z.string(),
  promptPacks: z.array(z.object({ domain: z.string(), sha256: z.string() })),
});
export type RunProvenance = z.infer<typeof RunProvenance>;

export const RunStarted = z.object({
  type: z.literal("run.started.v1"),
  ...Envelope,
  topologyName: z.string(),
  target: z.number().int().positive(),
  domains: z.array(z.string()),
  models: z.array(z.object({ id: z.string(), model: z.string() })),
  config: z.record(z.string(), z.unknown()).describe("the validated topology without secrets"),
  /** Absent in runs recorded before it existed. */
  provenance: RunProvenance.optional(),
});
export type RunStarted = z.infer<typeof RunStarted>;

export const RoundOpened = z.object({ type: z.literal("round.opened.v1"), ...RoundEnvelope });
export type RoundOpened = z.infer<typeof RoundOpened>;

export const QuestionProposed = z.object({
  type: z.literal("question.proposed.v1"),
  ...RoundEnvelope,
  question: Question,
});
export type QuestionProposed = z.infer<typeof QuestionProposed>;

export const QuestionScreened = z.object({
  type: z.literal("question.screened.v1"),
  ...RoundEnvelope,
  question: Question,
  novelty: NoveltyReport,
});
export type QuestionScreened = z.infer<typeof QuestionScreened>;

export const AnswerSubmitted = z.object({
  type: z.literal("answer.submitted.v1"),
  ...RoundEnvelope,
  question: Question,
  novelty: NoveltyReport,
  answer: Answer,
});
export type AnswerSubmitted = z.infer<typeof AnswerSubmitted>;

export const VerdictIssued = z.object({
  type: z.literal("verdict.issued.v1"),
  ...RoundEnvelope,
  question: Question,
  novelty: NoveltyReport,
  answer: Answer,
  verdict: Verdict,
});
export type VerdictIssued = z.infer<typeof VerdictIssued>;

export const RejectionReason = z.enum([
  "duplicate",
  "contaminated",
  "invalid_question",
  "quality_band",
  "outcome_policy",
  "target_reached",
  "model_error",
  "timeout",
  "max_deliveries",
  "budget",
  "cancelled",
  "error",
]);
export type RejectionReason = z.infer<typeof RejectionReason>;

/**
 * Rounds that ended without a sample because of the sample itself: their tokens bought an answer ("not this
 * one"). Every other round that ended without a sample is wasted spending.
 */
export const OWN_QUALITY_REASONS: ReadonlySet<RejectionReason> = new Set([
  "duplicate",
  "contaminated",
  "invalid_question",
  "quality_band",
  "outcome_policy",
]);

/** The one terminal event of a round: exactly one per round, de-duplicated by its message id. */
export const RoundClosed = z.object({
  type: z.literal("round.closed.v1"),
  ...RoundEnvelope,
  status: CloseStatus,
  reasonCode: RejectionReason.optional(),
  reason: z.string(),
  stage: z.string().describe("stage that closed the round"),
  question: Question.optional().describe("the round's question, once it had one"),
  sample: Sample.optional(),
  verdict: Verdict.optional(),
  novelty: NoveltyReport.optional(),
  complexity: z.number().int().optional(),
});
export type RoundClosed = z.infer<typeof RoundClosed>;

/**
 * The benchmark index a curator replica checks questions against, announced when it starts: with the check
 * each round carries, the run's decontamination report is made from the bus, whichever hosts curated.
 */
export const DecontaminationIndexed = z.object({
  type: z.literal("decontamination.indexed.v1"),
  ...Envelope,
  ...DecontaminationIndex.shape,
});
export type DecontaminationIndexed = z.infer<typeof DecontaminationIndexed>;

/**
 * One HTTP call an endpoint billed, whatever became of its reply: the run's books. Published by the process
 * that made the call, against the round it served; reports, budgets and dashboards add these up. An answer
 * served from the response cache is recorded too, billing nothing, with `cached` saying what it saved.
 */
export const UsageRecorded = z.object({
  type: z.literal("usage.recorded.v1"),
  ...Envelope,
  roundId: z.string().optional(),
  model: z.string().describe("topology model id"),
  role: z.string(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z
    .number()
    .nonnegative()
    .optional()
    .describe("at the model's price; absent for a model without one"),
  cached: z
    .object({
      promptTokens: z.number().int().nonnegative(),
      completionTokens: z.number().int().nonnegative(),
      costUsd: z.number().nonnegative().optional(),
    })
    .optional()
    .describe(
      "set when the answer came from the response cache: nothing was billed (the tokens above are 0) and this is what the stored answer had cost",
    ),
});
export type UsageRecorded = z.infer<typeof UsageRecorded>;

export const RunCompleted = z.object({
  type: z.literal("run.completed.v1"),
  ...Envelope,
  status: z.enum(["target_reached", "max_rounds", "budget", "stopped", "failed"]),
  reason: z.string(),
  accepted: z.number().int().nonnegative(),
  rounds: z.number().int().nonnegative(),
});
export type RunCompleted = z.infer<typeof RunCompleted>;

export const DeadLetter = z.object({
  type: z.literal("dlq.v1"),
  ...Envelope,
  subject: z.string(),
  reason: z.string(),
  payload: z.string().describe("the rejected message as received, truncated"),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/**
 * One reviewer's decision on one round, on the round's own review subject. `basedOn` is the stream sequence
 * of the round's review the reviewer last saw (0: none): the dashboard publishes it as the expected last
 * sequence of that subject, so a decision taken on a stale view is refused instead of silently overriding.
 */
export const ReviewRecorded = z
  .object({
    type: z.literal("review.recorded.v1"),
    ...Envelope,
    reviewId: z.string().min(1).max(128),
    roundId: z.string(),
    reviewer: ReviewerName,
    action: ReviewAction,
    reason: ReviewReason.optional().describe("why a sample was rejected"),
    note: ReviewNote.optional(),
    edits: QuestionEdits.optional(),
    /** The edited fields as they were before this edit: the provenance of the change. */
    before: z
      .object({
        text: z.string().optional(),
        referenceAnswer: z.string().optional(),
        solutionSteps: z.array(z.string()).optional(),
      })
      .optional(),
    assessment: ReviewAssessment.optional(),
    basedOn: z.number().int().nonnegative(),
  })
  .superRefine((review, ctx) => {
    if (review.action === "reject" && review.reason === undefined)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "a rejection needs a reason" });
    if (review.action === "edit" && review.edits === undefined)
      ctx.addIssue({ code: "custom", path: ["edits"], message: "an edit needs the changed fields" });
    if (review.action !== "edit" && review.edits !== undefined)
      ctx.addIssue({ code: "custom", path: ["edits"], message: "only an edit changes fields" });
    if (review.action === "assess" && review.assessment === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["assessment"],
        message: "an assessment needs valid (and a level)",
      });
    if (review.action !== "reject" && review.reason !== undefined)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "only a rejection has a reason" });
    const valid = review.assessment?.valid;
    const contradicted =
      (review.action === "approve" && valid === false) ||
      (review.edits?.referenceAnswer !== undefined && valid === true) ||
      (review.reason !== undefined && INVALIDATING_REASONS.has(review.reason) && valid === true) ||
      (review.reason !== undefined && VALID_BUT_REJECTED_REASONS.has(review.reason) && valid === false);
    if (contradicted)
      ctx.addIssue({
        code: "custom",
        path: ["assessment", "valid"],
        message:
          "contradicts the decision: approving calls a sample valid; correcting its reference answer, or rejecting it as wrong or ill-posed, invalid; rejecting it as low quality or off target valid",
      });
    if (valid === false && review.assessment?.level !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["assessment", "level"],
        message: "a level grades a valid question: leave it out when you call the question invalid",
      });
  });
export type ReviewRecorded = z.infer<typeof ReviewRecorded>;

/** How often a live agent instance publishes its heartbeat: a reader that hears none for a few is looking at a dead one. */
export const HEARTBEAT_INTERVAL_MS = 2000;

export const Heartbeat = z.object({
  type: z.literal("agent.heartbeat.v1"),
  ...Envelope,
  agentType: z.string(),
  instance: z.string(),
  host: z.string(),
  pid: z.number().int(),
  inFlight: z.number().int().nonnegative(),
  handled: z.number().int().nonnegative(),
  status: z.enum(["starting", "running", "draining", "stopped"]),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

/** Stage name -> schema of the message published on that stage's subject. */
export const STAGE_SCHEMAS = {
  [STAGES.runStarted]: RunStarted,
  [STAGES.runCompleted]: RunCompleted,
  [STAGES.roundOpened]: RoundOpened,
  [STAGES.questionProposed]: QuestionProposed,
  [STAGES.questionScreened]: QuestionScreened,
  [STAGES.answerSubmitted]: AnswerSubmitted,
  [STAGES.verdictIssued]: VerdictIssued,
  [STAGES.roundClosed]: RoundClosed,
  [STAGES.deadLetter]: DeadLetter,
  [STAGES.trainingUpdated]: TrainingUpdated,
  [STAGES.usageRecorded]: UsageRecorded,
  [STAGES.decontaminationIndexed]: DecontaminationIndexed,
  [STAGES.reviewRecorded]: ReviewRecorded,
} as const;

export const RunEvent = z.discriminatedUnion("type", [
  RunStarted,
  RunCompleted,
  RoundOpened,
  QuestionProposed,
  QuestionScreened,
  AnswerSubmitted,
  VerdictIssued,
  RoundClosed,
  DeadLetter,
  TrainingUpdated,
  UsageRecorded,
  DecontaminationIndexed,
  ReviewRecorded,
]);
export type RunEvent = z.infer<typeof RunEvent>;

/** The message type string for a stage: `round.opened` -> `round.opened.v1`. */
export function stageOfType(type: string): string {
  return type.replace(/\.v\d+$/, "");
}
