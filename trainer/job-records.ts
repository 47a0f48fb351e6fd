import type { KV, KvEntry } from "@nats-io/kv";
import type { z } from "zod";
import { isWrongLastSequence } from "../bus/jetstream-errors.ts";
import { errorMessage, SystemError } from "../protocol/errors.ts";
import { assertToken } from "../protocol/subjects.ts";
import { TrainingJob, TrainingJobRequest } from "../protocol/training.ts";

/**
 * Job records in the training KV bucket. `<id>.request` is what was submitted, `<id>.status` the latest state,
 * and `<id>.result` the outcome, created once: whoever creates it (the host that finished, or a cancel) has
 * decided the job, and everyone else, a host running a redelivered copy included, stands down.
 */
export class JobRecords {
  constructor(private readonly kv: KV) {}

  static keys(jobId: string) {
    const id = assertToken(jobId, "training job id");
    return { request: `${id}.request`, status: `${id}.status`, result: `${id}.result` };
  }

  /** Records a submission; false when the job was submitted before (same dataset and settings). */
  async createRequest(request: TrainingJobRequest): Promise<boolean> {
    return this.#createOnce(JobRecords.keys(request.jobId).request, request);
  }

  async request(jobId: string): Promise<TrainingJobRequest | undefined> {
    return this.#read(JobRecords.keys(jobId).request, TrainingJobRequest);
  }

  async putStatus(job: TrainingJob): Promise<void> {
    await this.kv.put(JobRecords.keys(job.id).status, JSON.stringify(TrainingJob.parse(job)));
  }

  /** Records the job's outcome unless one is there already; true when this call decided it. */
  async recordResult(job: TrainingJob): Promise<boolean> {
    return this.#createOnce(JobRecords.keys(job.id).result, TrainingJob.parse(job));
  }

  async result(jobId: string): Promise<TrainingJob | undefined> {
    return this.#read(JobRecords.keys(jobId).result, TrainingJob);
  }

  /** The outcome when there is one, else the latest state. */
  async current(jobId: string): Promise<TrainingJob | undefined> {
    return (await this.result(jobId)) ?? (await this.#read(JobRecords.keys(jobId).status, TrainingJob));
  }

  /** Calls `onResult` once the job's outcome is recorded (also when it already is); returns a stop function. */
  async watchResult(
    jobId: string,
    onResult: (job: TrainingJob) => void,
    onError: (err: unknown) => void,
  ): Promise<() => void> {
    const watch = await this.kv.watch({ key: JobRecords.keys(jobId).result });
    const follow = async () => {
      for await (const entry of watch) {
        const job = this.#parse(entry, TrainingJob);
        if (job) {
          onResult(job);
          return;
        }
      }
    };
    follow().catch(onError);
    return () => watch.stop();
  }

  async #createOnce(key: string, value: unknown): Promise<boolean> {
    try {
      await this.kv.create(key, JSON.stringify(value));
      return true;
    } catch (err) {
      if (isWrongLastSequence(err)) return false;
      throw new SystemError(`cannot write training record ${key}: ${errorMessage(err)}`, { cause: err });
    }
  }

  async #read<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    return this.#parse(await this.kv.get(key), schema);
  }

  #parse<T>(entry: KvEntry | null, schema: z.ZodType<T>): T | undefined {
    if (entry?.operation !== "PUT") return undefined;
    let raw: unknown;
    try {
      raw = entry.json();
    } catch (err) {
      throw new SystemError(
        `training record ${entry.key} is not JSON (${errorMessage(err)}); delete it with nats kv rm`,
      );
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success)
      throw new SystemError(
        `training record ${entry.key} has an unexpected shape; delete it with nats kv rm`,
      );
    return parsed.data;
  }
}
