import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import type { JsMsg } from "@nats-io/jetstream";
import { millis } from "@nats-io/nats-core";
import type { ObjectStore } from "@nats-io/obj";
import { Bus, instanceName } from "../bus/bus.ts";
import type { NatsConfig } from "../config/topology.ts";
import type { Logger } from "../log/logger.ts";
import { errorMessage } from "../protocol/errors.ts";
import { STAGES, TRAINING_STREAM_NAME } from "../protocol/subjects.ts";
import {
  type TrainingEvent,
  type TrainingJob,
  TrainingJobRequest,
  type TrainingProgress,
  TrainingUpdated,
} from "../protocol/training.ts";
import { renderCommand } from "./command-template.ts";
import { JobRecords } from "./job-records.ts";
import { parseJsonOrUndefined } from "./json-text.ts";
import {
  DEFAULT_HOST_CONSUMER,
  ensureHostConsumer,
  ensureTrainingStream,
  type HostConsumerSettings,
  openDatasetStore,
  openJobBucket,
  TRAINER_HOSTS_CONSUMER,
} from "./training-bus.ts";
import { runTrainingProcess } from "./training-process.ts";

export interface TrainerHostOptions {
  natsUrl: string;
  nats?: Partial<NatsConfig>;
  commandTemplate: string;
  /** Each job gets `<workDir>/<jobId>/` with its dataset, job.json and output. */
  workDir: string;
  /** Used when this host creates the shared consumer; a host joining an existing one takes its settings. */
  consumer?: HostConsumerSettings;
  logger: Logger;
}

export interface TrainerHost {
  readonly instance: string;
  /** Stops taking jobs; a job in hand is stopped and handed back to the queue for another host. */
  stop(): Promise<void>;
}

/** How long one pull waits for a job before checking whether the host is stopping. */
const PULL_EXPIRES_MS = 1000;
/** Redelivery delay after a host fault. */
const RETRY_DELAY_MS = 5000;

/**
 * A GPU host: takes one training job at a time from the shared work queue, runs the training command, streams
 * progress as `training.updated` events, and records the outcome once. The job is acked only when it is
 * decided, and `working()` keeps it while it runs, so a host that dies hands its job to another.
 */
export async function startTrainerHost(options: TrainerHostOptions): Promise<TrainerHost> {
  const instance = instanceName("trainer-host");
  const logger = options.logger.child({ instance });
  const bus = await Bus.open({ servers: options.natsUrl, name: instance, nats: options.nats, logger });
  const replicas = options.nats?.replicas;
  const jsm = await ensureTrainingStream(bus.nc, replicas);
  await ensureHostConsumer(jsm, options.consumer ?? DEFAULT_HOST_CONSUMER);
  const consumer = await bus.js.consumers.get(TRAINING_STREAM_NAME, TRAINER_HOSTS_CONSUMER);
  const ackWaitMs = millis((await consumer.info()).config.ack_wait ?? 0) || DEFAULT_HOST_CONSUMER.ackWaitMs;
  const runner = new JobRunner({
    bus,
    records: new JobRecords(await openJobBucket(bus.nc, replicas)),
    datasets: await openDatasetStore(bus.nc, replicas),
    options,
    instance,
    logger,
  });

  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const msg = await consumer.next({ expires: PULL_EXPIRES_MS });
      if (!msg) continue;
      const keepAlive = setInterval(() => msg.working(), Math.max(200, ackWaitMs / 3));
      try {
        await runner.handle(msg, stopping.signal);
      } finally {
        clearInterval(keepAlive);
      }
    }
  })();
  logger.info({ workDir: options.workDir }, "trainer host taking jobs");

  return {
    instance,
    stop: async () => {
      stopping.abort();
      await loop.catch((err) => logger.error({ err: errorMessage(err) }, "trainer host loop failed"));
      await bus.close();
    },
  };
}

interface JobRunnerDeps {
  bus: Bus;
  records: JobRecords;
  datasets: ObjectStore;
  options: TrainerHostOptions;
  instance: string;
  logger: Logger;
}

/** Runs the jobs one host takes. */
class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  async handle(msg: JsMsg, stopping: AbortSignal): Promise<void> {
    const { records, logger } = this.deps;
    const parsed = TrainingJobRequest.safeParse(parseJsonOrUndefined(msg.string()));
    if (!parsed.success) {
      logger.error(
        { seq: msg.seq, issues: parsed.error.issues.slice(0, 3) },
        "dropping a training job that is not a valid training.job.v1",
      );
      // Acked rather than termed: nats-server 2.9 keeps termed messages in a work-queue stream.
      msg.ack();
      return;
    }
    const request = parsed.data;
    if (await records.result(request.jobId)) {
      logger.info({ jobId: request.jobId }, "job already decided; acknowledging it without running it again");
      msg.ack();
      return;
    }
    try {
      const outcome = await this.#run(request, msg.info.deliveryCount, stopping);
      if (outcome === "handed-back") msg.nak();
      else msg.ack();
    } catch (err) {
      // A NATS or disk fault, not the training itself: let this or another host try again shortly.
      logger.error(
        { jobId: request.jobId, err: errorMessage(err) },
        "job failed on this host; handing it back",
      );
      msg.nak(RETRY_DELAY_MS);
    }
  }

  async #run(
    request: TrainingJobRequest,
    delivery: number,
    stopping: AbortSignal,
  ): Promise<"decided" | "handed-back"> {
    const { records, options, instance, logger } = this.deps;
    const dir = resolve(options.workDir, request.jobId);
    const output = join(dir, "output");
    await mkdir(output, { recursive: true });
    const base = {
      id: request.jobId,
      backend: "gpu-hosts" as const,
      baseModel: request.baseModel,
      runId: request.runId,
      host: instance,
    };
    const stamp = () => new Date().toISOString();
    let seq = 0;
    const report = async (job: TrainingJob, event: Omit<TrainingEvent, "id" | "at">) => {
      const id = `d${delivery}-${++seq}`;
      await this.#publish(request, job, { id, at: stamp(), ...event }, `${request.jobId}:${id}`);
    };

    const running: TrainingJob = { ...base, status: "running", updatedAt: stamp() };
    await records.putStatus(running);
    await report(running, {
      level: "info",
      message: `running on ${hostname()} (${instance}), delivery ${delivery}`,
    });

    const dataset = await this.#fetchDataset(request, dir);
    if (typeof dataset !== "string")
      return this.#decide(request, { ...base, status: "failed", error: dataset.error, updatedAt: stamp() });

    const jobFile = join(dir, "job.json");
    await writeFile(
      jobFile,
      `${JSON.stringify({ ...request, datasetFile: dataset, outputDir: output }, null, 2)}\n`,
    );
    const abort = new AbortController();
    const onStop = () => abort.abort();
    stopping.addEventListener("abort", onStop, { once: true });
    let decidedElsewhere: TrainingJob | undefined;
    const stopWatching = await records.watchResult(
      request.jobId,
      (job) => {
        decidedElsewhere = job;
        abort.abort();
      },
      (err) =>
        logger.warn({ jobId: request.jobId, err: errorMessage(err) }, "lost the watch on the job's result"),
    );
    // Progress events go out one after another, in order; the first failure is raised after the command ends.
    let publishing = Promise.resolve();
    let publishFailure: unknown;
    // The compute the job spent: its wall time on this host and the tokens the command reports it trained on.
    const createdAt = stamp();
    let trainedTokens: number | undefined;
    try {
      const command = renderCommand(options.commandTemplate, {
        jobId: request.jobId,
        baseModel: request.baseModel,
        dataset,
        output,
        job: jobFile,
        hyperparameters: request.hyperparameters,
      });
      logger.info({ jobId: request.jobId, program: command.program, delivery }, "training started");
      const result = await runTrainingProcess(command, {
        cwd: dir,
        signal: abort.signal,
        onProgress: (progress) => {
          trainedTokens = progress.tokens ?? trainedTokens;
          publishing = publishing
            .then(() => report(running, { level: "info", message: progressMessage(progress), progress }))
            .catch((err: unknown) => {
              publishFailure ??= err;
            });
        },
      });
      await publishing;
      if (publishFailure) throw publishFailure;
      if (decidedElsewhere) {
        logger.info(
          { jobId: request.jobId, status: decidedElsewhere.status },
          "job was decided elsewhere; training stopped",
        );
        return "decided";
      }
      if (stopping.aborted) {
        logger.warn({ jobId: request.jobId }, "host stopping; job handed back to the queue");
        return "handed-back";
      }
      const finished: TrainingJob = result.ok
        ? {
            ...base,
            status: "succeeded",
            fineTunedModel: `${request.baseModel}-nanoflux-${request.jobId}`,
            artifact: `${hostname()}:${output}`,
            ...(trainedTokens !== undefined ? { trainedTokens } : {}),
            createdAt,
            finishedAt: stamp(),
            updatedAt: stamp(),
          }
        : { ...base, status: "failed", error: result.failure, logTail: result.logTail, updatedAt: stamp() };
      return this.#decide(request, finished);
    } finally {
      stopping.removeEventListener("abort", onStop);
      stopWatching();
    }
  }

  /** Records the outcome once and announces it; a job someone else decided first keeps their outcome. */
  async #decide(request: TrainingJobRequest, job: TrainingJob): Promise<"decided"> {
    const { records, logger } = this.deps;
    if (!(await records.recordResult(job))) {
      logger.warn({ jobId: job.id }, "another host or a cancel decided this job first; keeping that outcome");
      return "decided";
    }
    await records.putStatus(job);
    const message = job.status === "succeeded" ? `succeeded: ${job.artifact}` : `failed: ${job.error}`;
    const event = {
      id: "result",
      at: job.updatedAt,
      level: job.status === "succeeded" ? "info" : "error",
      message,
    } as const;
    await this.#publish(request, job, event, `${job.id}:result`);
    logger.info({ jobId: job.id, status: job.status }, "job decided");
    return "decided";
  }

  async #fetchDataset(request: TrainingJobRequest, dir: string): Promise<string | { error: string }> {
    const blob = await this.deps.datasets.getBlob(request.dataset.object);
    if (!blob)
      return {
        error: `dataset ${request.dataset.object} is not in the dataset object store; submit the job again`,
      };
    const sha256 = createHash("sha256").update(blob).digest("hex");
    if (sha256 !== request.dataset.sha256)
      return { error: `dataset ${request.dataset.object} does not match its sha256; submit the job again` };
    const file = join(dir, "dataset.jsonl");
    await writeFile(file, blob);
    return file;
  }

  async #publish(
    request: TrainingJobRequest,
    job: TrainingJob,
    event: TrainingEvent,
    msgId: string,
  ): Promise<void> {
    const update: TrainingUpdated = {
      type: "training.updated.v1",
      runId: request.runId,
      at: event.at,
      producer: this.deps.instance,
      job,
      event,
    };
    await this.deps.bus.publish(request.runId, STAGES.trainingUpdated, TrainingUpdated, update, msgId);
  }
}

export function progressMessage(progress: TrainingProgress): string {
  const parts = [
    progress.step === undefined ? undefined : `step ${progress.step}`,
    progress.loss === undefined ? undefined : `loss ${progress.loss}`,
    progress.learningRate === undefined ? undefined : `lr ${progress.learningRate}`,
  ];
  return parts.filter(Boolean).join(", ");
}
