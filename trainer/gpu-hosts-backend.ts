import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { DeliverPolicy, type JetStreamClient, jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ObjectStore } from "@nats-io/obj";
import { ensureRunStream } from "../bus/stream.ts";
import { ConfigError } from "../protocol/errors.ts";
import { runStageSubject, STAGES, STREAM_NAME, trainingJobsSubject } from "../protocol/subjects.ts";
import {
  type Hyperparameters,
  isTerminal,
  type TrainingEvent,
  type TrainingJob,
  type TrainingJobRequest,
  TrainingUpdated,
} from "../protocol/training.ts";
import type { TrainingBackend, TrainingDataset } from "./backend.ts";
import { JobRecords } from "./job-records.ts";
import { parseJsonOrUndefined } from "./json-text.ts";
import { ensureTrainingStream, openDatasetStore, openJobBucket } from "./training-bus.ts";

export interface GpuHostsBackendOptions {
  baseModel: string;
  /** Publisher name recorded in job messages. */
  producer: string;
}

/** Same dataset, base model and settings -> same job id, so a repeated submit (after a crash) trains once. */
export function trainingJobId(
  datasetSha256: string,
  baseModel: string,
  hyperparameters: Hyperparameters,
): string {
  const digest = createHash("sha256")
    .update(`${datasetSha256}\n${baseModel}\n${JSON.stringify(hyperparameters)}`)
    .digest("hex");
  return `ft-${digest.slice(0, 20)}`;
}

/**
 * Fine-tunes on GPU hosts (`nanoflux trainer-host`): the dataset goes to the object store, the job to the work
 * queue with its id as message id, and the hosts record state and outcome in the training KV bucket.
 */
export class GpuHostsBackend implements TrainingBackend {
  readonly name = "gpu-hosts";
  readonly reportsEvents = true;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly records: JobRecords,
    private readonly datasets: ObjectStore,
    private readonly options: GpuHostsBackendOptions,
  ) {}

  static async open(
    nc: NatsConnection,
    options: GpuHostsBackendOptions,
    replicas = 1,
  ): Promise<GpuHostsBackend> {
    await ensureTrainingStream(nc, replicas);
    await ensureRunStream(nc, replicas);
    return new GpuHostsBackend(
      jetstream(nc),
      new JobRecords(await openJobBucket(nc, replicas)),
      await openDatasetStore(nc, replicas),
      options,
    );
  }

  async submit(dataset: TrainingDataset, hyperparameters: Hyperparameters): Promise<TrainingJob> {
    const content = await readFile(dataset.file);
    const sha256 = createHash("sha256").update(content).digest("hex");
    const jobId = trainingJobId(sha256, this.options.baseModel, hyperparameters);
    const request: TrainingJobRequest = {
      type: "training.job.v1",
      jobId,
      runId: dataset.runId,
      at: new Date().toISOString(),
      producer: this.options.producer,
      baseModel: this.options.baseModel,
      hyperparameters,
      dataset: { object: `${jobId}.jsonl`, samples: dataset.samples, sha256 },
    };
    const isNew = await this.records.createRequest(request);
    const decided = await this.records.result(jobId);
    if (decided) return decided;
    const queued: TrainingJob = {
      id: jobId,
      backend: this.name,
      status: "queued",
      baseModel: request.baseModel,
      runId: request.runId,
      updatedAt: request.at,
    };
    if (isNew) await this.records.putStatus(queued);
    // Both steps are idempotent, so a submit that died half-way is finished by the next one.
    await this.datasets.putBlob({ name: request.dataset.object }, content);
    await this.js.publish(trainingJobsSubject(), JSON.stringify(request), { msgID: jobId });
    return (await this.records.current(jobId)) ?? queued;
  }

  async status(jobId: string): Promise<TrainingJob> {
    const job = await this.records.current(jobId);
    if (!job) throw unknownJob(jobId);
    return job;
  }

  /** The job's events from the run stream, where the hosts publish them. */
  async events(jobId: string): Promise<TrainingEvent[]> {
    const request = await this.records.request(jobId);
    if (!request) throw unknownJob(jobId);
    const subject = runStageSubject(request.runId, STAGES.trainingUpdated);
    const consumer = await this.js.consumers.get(STREAM_NAME, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.All,
    });
    const events: TrainingEvent[] = [];
    for (let pending = (await consumer.info()).num_pending; pending > 0; ) {
      const batch = await consumer.fetch({ max_messages: Math.min(pending, 500), expires: 2000 });
      let got = 0;
      for await (const msg of batch) {
        got += 1;
        pending = msg.info.pending;
        const update = TrainingUpdated.safeParse(parseJsonOrUndefined(msg.string()));
        if (update.success && update.data.job.id === jobId && update.data.event)
          events.push(update.data.event);
      }
      if (got === 0) break;
    }
    return events;
  }

  async cancel(jobId: string): Promise<TrainingJob> {
    const job = await this.status(jobId);
    if (isTerminal(job.status)) return job;
    // The result record is the one decision: a host running the job sees it and stops the command.
    await this.records.recordResult({ ...job, status: "cancelled", updatedAt: new Date().toISOString() });
    return this.status(jobId);
  }
}

function unknownJob(jobId: string): ConfigError {
  return new ConfigError(
    `no training job ${jobId} is recorded on this NATS server; check the job id and --nats`,
  );
}
