/**
 * Every NATS subject NanoFlux uses is built here, and nowhere else. Version 1 of the contract lives under
 * `nf.v1`; run events are `nf.v1.run.<runId>.<stage>`, which one JetStream stream records for all runs.
 */
export const SUBJECT_ROOT = "nf.v1";
export const STREAM_NAME = "NANOFLUX_V1";
export const STATE_BUCKET = "nanoflux_v1_state";

const TOKEN = /^[A-Za-z0-9_-]+$/;

export function assertToken(value: string, what: string): string {
  if (!TOKEN.test(value)) throw new Error(`${what} "${value}" may only contain letters, digits, '-' and '_'`);
  return value;
}

/** Stages of a round, in order, plus the run-level events. A plug-in may add stages of its own. */
export const STAGES = {
  runStarted: "run.started",
  runCompleted: "run.completed",
  roundOpened: "round.opened",
  questionProposed: "question.proposed",
  questionScreened: "question.screened",
  answerSubmitted: "answer.submitted",
  verdictIssued: "verdict.issued",
  roundClosed: "round.closed",
  trainingUpdated: "training.updated",
  usageRecorded: "usage.recorded",
  decontaminationIndexed: "decontamination.indexed",
  reviewRecorded: "review.recorded",
  deadLetter: "dlq",
} as const;
export type Stage = string;

export function stageToken(stage: Stage): string {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(stage))
    throw new Error(`stage "${stage}" is not a valid subject part`);
  return stage;
}

/** All run events: what the stream records. */
export function allRunsSubject(): string {
  return `${SUBJECT_ROOT}.run.>`;
}

export function runEventsSubject(runId: string): string {
  return `${SUBJECT_ROOT}.run.${assertToken(runId, "run id")}.>`;
}

export function runStageSubject(runId: string, stage: Stage): string {
  return `${SUBJECT_ROOT}.run.${assertToken(runId, "run id")}.${stageToken(stage)}`;
}

/**
 * A round's reviews: one subject per round, so JetStream can check the last review a reviewer saw is still
 * the last (Nats-Expected-Last-Subject-Sequence) before it records a new one.
 */
export function reviewStage(roundId: string): Stage {
  return `${STAGES.reviewRecorded}.${assertToken(roundId, "round id")}`;
}

/** Every review of a run, whichever round. */
export function runReviewsSubject(runId: string): string {
  return `${SUBJECT_ROOT}.run.${assertToken(runId, "run id")}.${STAGES.reviewRecorded}.>`;
}

export function deadLetterSubject(runId: string): string {
  return runStageSubject(runId, STAGES.deadLetter);
}

/** Parses a run event subject back into its run id and stage; undefined for other subjects. */
export function parseRunSubject(subject: string): { runId: string; stage: Stage } | undefined {
  const prefix = `${SUBJECT_ROOT}.run.`;
  if (!subject.startsWith(prefix)) return undefined;
  const rest = subject.slice(prefix.length);
  const dot = rest.indexOf(".");
  if (dot <= 0 || dot === rest.length - 1) return undefined;
  return { runId: rest.slice(0, dot), stage: rest.slice(dot + 1) };
}

/** Heartbeats are presence, not history: core NATS, outside the stream. */
export function heartbeatSubject(runId: string, agentType: string, instance: string): string {
  return `${SUBJECT_ROOT}.hb.${assertToken(runId, "run id")}.${assertToken(agentType, "agent type")}.${assertToken(instance, "instance")}`;
}

export function allHeartbeatsSubject(runId = "*"): string {
  return `${SUBJECT_ROOT}.hb.${runId === "*" ? "*" : assertToken(runId, "run id")}.>`;
}

/** Durable consumer name shared by every replica of one agent type in one run: replicas split its messages. */
export function durableName(runId: string, agentType: string, stage: Stage): string {
  return `${assertToken(runId, "run id")}_${assertToken(agentType, "agent type")}_${stage.replace(/\./g, "-")}`;
}

/** KV keys of the run state bucket. */
export const stateKeys = {
  scheduler: (runId: string) => `${assertToken(runId, "run id")}.scheduler`,
  curatorCount: (runId: string) => `${assertToken(runId, "run id")}.curator.accepted`,
  /** The questions curator replicas hold in flight or have just kept: one novelty view for every host. */
  curatorNovelty: (runId: string) => `${assertToken(runId, "run id")}.curator.novelty`,
  run: (runId: string) => `${assertToken(runId, "run id")}.run`,
  spend: (runId: string) => `${assertToken(runId, "run id")}.spend`,
};

/** JetStream message id for one stage of one round: a re-publish after a crash is de-duplicated by the server. */
export function idempotencyKey(runId: string, roundId: string, stage: Stage): string {
  return `${runId}:${roundId}:${stage}`;
}

/** Fine-tune jobs wait on a work-queue stream: each job goes to one trainer host and stays until acked. */
export const TRAINING_STREAM_NAME = "NANOFLUX_TRAINING_V1";
export const DATASET_BUCKET = "nanoflux_v1_datasets";
/** One entry per fine-tune job, written once when it finishes: a redelivered job is never run or counted twice. */
export const TRAINING_JOBS_BUCKET = "nanoflux_v1_training_jobs";

export function trainingJobsSubject(): string {
  return `${SUBJECT_ROOT}.train.jobs`;
}
