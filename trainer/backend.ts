import type {
  Hyperparameters,
  TrainingBackendName,
  TrainingEvent,
  TrainingJob,
} from "../protocol/training.ts";

/** A chat-format JSONL file ready to train on. */
export interface TrainingDataset {
  /** Run the data came from: training events are recorded under it. */
  runId: string;
  file: string;
  samples: number;
}

/**
 * Where fine-tunes run. Adapters: an OpenAI-compatible fine-tuning API (trainer/openai-backend.ts) and GPU
 * hosts taking jobs from a NATS work queue (trainer/gpu-hosts-backend.ts). The shared spec in
 * test/trainer/backend-spec.ts runs against each.
 */
export interface TrainingBackend {
  readonly name: TrainingBackendName;
  /**
   * True when the backend's workers publish `training.updated` events themselves (GPU hosts do); otherwise the
   * Trainer publishes what it sees while following the job.
   */
  readonly reportsEvents: boolean;
  /** Starts a fine-tune of the backend's base model. Submitting the same dataset and settings again is harmless. */
  submit(dataset: TrainingDataset, hyperparameters: Hyperparameters): Promise<TrainingJob>;
  status(jobId: string): Promise<TrainingJob>;
  /** The job's events so far, oldest first. */
  events(jobId: string): Promise<TrainingEvent[]>;
  /** Stops a job that has not finished; a finished job is returned as it is. */
  cancel(jobId: string): Promise<TrainingJob>;
  close?(): Promise<void>;
}
