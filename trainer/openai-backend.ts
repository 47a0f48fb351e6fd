import { createReadStream } from "node:fs";
import type OpenAI from "openai";
import type { FineTuningJob, FineTuningJobEvent } from "openai/resources/fine-tuning/jobs/jobs";
import { z } from "zod";
import { classifyFailure, failureToError } from "../llm/endpoint-failure.ts";
import { createOpenAIClient } from "../llm/openai-client.ts";
import {
  type Hyperparameters,
  isTerminal,
  type TrainingEvent,
  type TrainingJob,
} from "../protocol/training.ts";
import type { TrainingBackend, TrainingDataset } from "./backend.ts";

export interface OpenAIBackendOptions {
  baseUrl: string;
  baseModel: string;
  apiKeyEnv?: string;
  /** Added to the fine-tuned model's name, as the API allows. */
  suffix?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Fine-tuning calls are few and idempotent to read, so the client's own retries (429, 5xx) are enough here. */
const CLIENT_RETRIES = 3;

/** What a metrics event carries in `data` (OpenAI: step, train_loss, ...). */
const MetricsData = z.looseObject({
  step: z.number().int().nonnegative().optional(),
  train_loss: z.number().optional(),
  learning_rate: z.number().optional(),
  epoch: z.number().optional(),
});

function toTrainingJob(job: FineTuningJob): TrainingJob {
  return {
    id: job.id,
    backend: "openai",
    status: job.status,
    baseModel: job.model,
    runId: job.metadata?.nanoflux_run,
    fineTunedModel: job.fine_tuned_model ?? undefined,
    error: job.error?.message,
    ...(job.trained_tokens != null ? { trainedTokens: job.trained_tokens } : {}),
    createdAt: new Date(job.created_at * 1000).toISOString(),
    ...(job.finished_at != null ? { finishedAt: new Date(job.finished_at * 1000).toISOString() } : {}),
    updatedAt: new Date((job.finished_at ?? job.created_at) * 1000).toISOString(),
  };
}

function toTrainingEvent(event: FineTuningJobEvent): TrainingEvent {
  const metrics = MetricsData.safeParse(event.data);
  const progress =
    event.type === "metrics" && metrics.success
      ? {
          step: metrics.data.step,
          loss: metrics.data.train_loss,
          learningRate: metrics.data.learning_rate,
          epoch: metrics.data.epoch,
        }
      : undefined;
  return {
    id: event.id,
    at: new Date(event.created_at * 1000).toISOString(),
    level: event.level,
    message: event.message,
    progress,
  };
}

/** Fine-tunes through any OpenAI-compatible fine-tuning API (files + fine_tuning.jobs), e.g. OpenAI or the simulator. */
export class OpenAIFineTuningBackend implements TrainingBackend {
  readonly name = "openai";
  readonly reportsEvents = false;
  readonly #client: OpenAI;
  readonly #options: OpenAIBackendOptions;

  constructor(options: OpenAIBackendOptions) {
    this.#options = options;
    const config = {
      id: "trainer",
      baseUrl: options.baseUrl,
      model: options.baseModel,
      apiKeyEnv: options.apiKeyEnv,
      maxConcurrency: 1,
      timeoutMs: options.timeoutMs ?? 120_000,
      maxRetries: CLIENT_RETRIES,
      structuredOutput: "json_schema" as const,
    };
    this.#client = createOpenAIClient(config, options.env ?? process.env).withOptions({
      maxRetries: CLIENT_RETRIES,
    });
  }

  async submit(dataset: TrainingDataset, hyperparameters: Hyperparameters): Promise<TrainingJob> {
    return this.#call(async () => {
      const file = await this.#client.files.create({
        file: createReadStream(dataset.file),
        purpose: "fine-tune",
      });
      const job = await this.#client.fineTuning.jobs.create({
        model: this.#options.baseModel,
        training_file: file.id,
        seed: hyperparameters.seed,
        suffix: this.#options.suffix,
        metadata: { nanoflux_run: dataset.runId },
        method: {
          type: "supervised",
          supervised: {
            hyperparameters: {
              n_epochs: hyperparameters.epochs,
              batch_size: hyperparameters.batchSize,
              learning_rate_multiplier: hyperparameters.learningRateMultiplier ?? "auto",
            },
          },
        },
      });
      return toTrainingJob(job);
    });
  }

  status(jobId: string): Promise<TrainingJob> {
    return this.#call(async () => toTrainingJob(await this.#client.fineTuning.jobs.retrieve(jobId)));
  }

  events(jobId: string): Promise<TrainingEvent[]> {
    return this.#call(async () => {
      const events: TrainingEvent[] = [];
      for await (const event of this.#client.fineTuning.jobs.listEvents(jobId, { limit: 100 })) {
        events.push(toTrainingEvent(event));
      }
      // The API lists newest first.
      return events.reverse();
    });
  }

  async cancel(jobId: string): Promise<TrainingJob> {
    const current = await this.status(jobId);
    if (isTerminal(current.status)) return current;
    return this.#call(async () => toTrainingJob(await this.#client.fineTuning.jobs.cancel(jobId)));
  }

  async #call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      const { baseUrl, baseModel, apiKeyEnv } = this.#options;
      const context = {
        modelId: "fine-tuning",
        model: baseModel,
        baseUrl,
        apiKeyEnv,
        timeoutMs: this.#options.timeoutMs ?? 0,
      };
      throw failureToError(classifyFailure(err, false), context, CLIENT_RETRIES + 1);
    }
  }
}
