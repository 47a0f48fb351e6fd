import { z } from "zod";

/**
 * Training contracts: the settings of a fine-tune, a job's state as every backend reports it, the work-queue
 * message GPU hosts take, and the `training.updated.v1` run event. (TrainingUpdated belongs in bus/messages.ts
 * beside the other run events.)
 */

/** Fine-tune settings. The OpenAI API uses epochs, batch size and the learning-rate multiplier; LoRA recipes all. */
export const Hyperparameters = z.strictObject({
  epochs: z.number().int().positive().default(3),
  batchSize: z.number().int().positive().default(4),
  learningRate: z.number().positive().default(2e-4).describe("LoRA recipes: peak learning rate"),
  learningRateMultiplier: z
    .number()
    .positive()
    .optional()
    .describe("OpenAI-compatible APIs: scales their default"),
  loraRank: z.number().int().positive().default(16),
  loraAlpha: z.number().int().positive().default(32),
  maxSeqLength: z.number().int().positive().default(2048),
  seed: z.number().int().default(1),
});
export type Hyperparameters = z.infer<typeof Hyperparameters>;

/** The OpenAI fine-tuning job statuses, which every backend uses. */
export const TrainingStatus = z.enum([
  "validating_files",
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
]);
export type TrainingStatus = z.infer<typeof TrainingStatus>;

export const TERMINAL_STATUSES: ReadonlySet<TrainingStatus> = new Set(["succeeded", "failed", "cancelled"]);

export function isTerminal(status: TrainingStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export const TrainingBackendName = z.enum(["openai", "gpu-hosts"]);
export type TrainingBackendName = z.infer<typeof TrainingBackendName>;

/** A job as its backend reports it. */
export const TrainingJob = z.object({
  id: z.string(),
  backend: TrainingBackendName,
  status: TrainingStatus,
  baseModel: z.string(),
  /** The run whose data it trains on, when known. */
  runId: z.string().optional(),
  /** The model name to serve and evaluate (ft:... on an API; the output folder's name on GPU hosts). */
  fineTunedModel: z.string().optional(),
  /** Where the trained weights are: host:path for GPU hosts. */
  artifact: z.string().optional(),
  /** The host running or having run the job. */
  host: z.string().optional(),
  error: z.string().optional(),
  /** Last lines of the training log, kept when a job fails. */
  logTail: z.string().optional(),
  /** Tokens the job trained on, epochs included, as the backend counted them (OpenAI's trained_tokens). */
  trainedTokens: z.number().int().nonnegative().optional(),
  /** When the job was created and when it finished, as the backend says: its wall time. */
  createdAt: z.string().optional(),
  finishedAt: z.string().optional(),
  updatedAt: z.string(),
});
export type TrainingJob = z.infer<typeof TrainingJob>;

/** One progress line of a training command, or one event of a fine-tuning API. */
export const TrainingProgress = z.object({
  step: z.number().int().nonnegative().optional(),
  loss: z.number().optional(),
  learningRate: z.number().optional(),
  epoch: z.number().optional(),
  /** Tokens trained on so far (the recipe's `tokens`, Hugging Face's `num_input_tokens_seen`). */
  tokens: z.number().int().nonnegative().optional(),
});
export type TrainingProgress = z.infer<typeof TrainingProgress>;

export const TrainingEvent = z.object({
  /** Unique within the job, stable across reads. */
  id: z.string(),
  at: z.string(),
  level: z.enum(["info", "warn", "error"]),
  message: z.string(),
  progress: TrainingProgress.optional(),
});
export type TrainingEvent = z.infer<typeof TrainingEvent>;

/** What a GPU host takes from the work queue. The JetStream message id is the job id. */
export const TrainingJobRequest = z.object({
  type: z.literal("training.job.v1"),
  jobId: z.string(),
  runId: z.string(),
  at: z.string(),
  producer: z.string(),
  baseModel: z.string(),
  hyperparameters: Hyperparameters,
  dataset: z.object({
    /** Object name in the DATASET_BUCKET object store. */
    object: z.string(),
    samples: z.number().int().nonnegative(),
    sha256: z.string(),
  }),
});
export type TrainingJobRequest = z.infer<typeof TrainingJobRequest>;

/** Run event: a job changed state or reported progress. Stage `training.updated`. */
export const TrainingUpdated = z.object({
  type: z.literal("training.updated.v1"),
  runId: z.string(),
  at: z.string(),
  producer: z.string(),
  job: TrainingJob,
  event: TrainingEvent.optional(),
});
export type TrainingUpdated = z.infer<typeof TrainingUpdated>;

/**
 * What a fine-tune cost: tokens trained (epochs included), the model's size and the training FLOPs by the
 * dense-transformer estimate 6 x parameters x tokens, and wall time. Recorded beside every fine-tune and on the
 * evaluations of the model it made, so `compare` and `ablate` can print compute ratios.
 */
export const TrainingCompute = z.object({
  trainedTokens: z.number().int().nonnegative(),
  /** True when the backend did not count tokens and they were estimated (4 characters a token). */
  tokensEstimated: z.boolean(),
  epochs: z.number().int().positive(),
  parameters: z.number().positive().optional(),
  flops: z.number().nonnegative().optional(),
  wallSeconds: z.number().nonnegative().optional(),
});
export type TrainingCompute = z.infer<typeof TrainingCompute>;
