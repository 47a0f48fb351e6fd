import { basename, resolve } from "node:path";
import { Command, Option } from "commander";
import { Bus } from "../bus/bus.ts";
import { formatLineProblem } from "../eval/benchmarks.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { assertToken, STAGES } from "../protocol/subjects.ts";
import {
  Hyperparameters,
  type TrainingBackendName,
  type TrainingEvent,
  type TrainingJob,
  TrainingUpdated,
} from "../protocol/training.ts";
import { type ProgressBar, progressBar } from "../terminal/progress-bar.ts";
import { onStopSignal, untilInterrupted } from "../terminal/signals.ts";
import type { TrainingBackend } from "../trainer/backend.ts";
import { createBackend } from "../trainer/backends.ts";
import { sampleToChat } from "../trainer/chat-export.ts";
import { assertValidTemplate, DEFAULT_COMMAND_TEMPLATE } from "../trainer/command-template.ts";
import { expectedSteps, totalStepsIn } from "../trainer/progress-line.ts";
import { readRunSamples } from "../trainer/run-dataset.ts";
import {
  readTrainingCompute,
  renderTrainingSummary,
  summarizeTraining,
  trainRun,
} from "../trainer/train-run.ts";
import { progressMessage, startTrainerHost } from "../trainer/trainer-host.ts";
import { DEFAULT_HOST_CONSUMER } from "../trainer/training-bus.ts";
import { nonNegativeNumber, positiveInteger, positiveNumber, runIdArgument } from "./arguments.ts";

interface TrainFlags {
  backend: TrainingBackendName;
  baseModel: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  nats?: string;
  replicas: number;
  runId?: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  loraRank?: number;
  parameters?: number;
  pollMs: number;
}

/** Copies of the training queue, datasets and job records when NATS is a cluster (the topology's nats.replicas). */
function replicasOption(): [string, string, (value: string) => number, number] {
  return ["--replicas <n>", "copies of the training queue and records on a NATS cluster", positiveInteger, 1];
}

/**
 * What `train` shows while it follows a job: a status change as a log line, each step on a progress bar with its
 * loss (a debug line too), the job's warnings and errors as such; its other messages are debug lines.
 */
function trainingProgress(logger: Logger, expected: number) {
  // Drawn from the first step on: a job that is queued, or already finished, has no bar.
  let bar: ProgressBar | undefined;
  let total = expected;
  let done = 0;
  return {
    onUpdate(job: TrainingJob, event?: TrainingEvent) {
      if (!event) {
        logger.info({ job: job.id, ...(job.host ? { host: job.host } : {}) }, `training job ${job.status}`);
        return;
      }
      const { progress } = event;
      if (!progress) {
        if (event.level === "info") logger.debug({ job: job.id }, event.message);
        else logger[event.level]({ job: job.id }, event.message);
        return;
      }
      done = Math.max(done, progress.step ?? 0);
      // The job's own count when its messages state one ("Step 12/40"); never less than the steps seen.
      const known = Math.max(totalStepsIn(event.message) ?? total, done);
      if (bar && known !== total) bar.setTotal(known);
      total = known;
      bar ??= progressBar({ label: "train", total, unit: "steps" });
      bar.update(
        done,
        progress.loss === undefined ? undefined : `loss ${Number(progress.loss.toPrecision(4))}`,
      );
      logger.debug({ job: job.id, ...progress }, progressMessage(progress));
    },
    stop: () => bar?.stop(),
  };
}

/** The job's events for its summary; without them the summary says the loss was not reported. */
async function jobEvents(
  backend: TrainingBackend,
  job: TrainingJob,
  logger: Logger,
): Promise<TrainingEvent[]> {
  try {
    return await backend.events(job.id);
  } catch (err) {
    logger.warn({ err, job: job.id }, "could not read the job's events for its summary");
    return [];
  }
}

/** `nanoflux train <runDir>`: fine-tunes on a finished run's dataset and follows the job to its end. */
export function trainCommand(): Command {
  return new Command("train")
    .description("fine-tune a model on a run's dataset (OpenAI-compatible fine-tuning API or GPU hosts)")
    .argument("<runDir>", "folder of a run (holds dataset.jsonl)")
    .addOption(
      new Option("--backend <name>", "where to train").choices(["openai", "gpu-hosts"]).default("openai"),
    )
    .requiredOption(
      "--base-model <name>",
      "model to fine-tune (API model name, or a Hugging Face id on GPU hosts)",
    )
    .option("--base-url <url>", "fine-tuning API root (openai backend)", process.env.OPENAI_BASE_URL)
    .option("--api-key-env <var>", "environment variable holding the API key")
    .option(
      "--nats <url>",
      "NATS server (gpu-hosts; with openai, training events are published there too)",
      process.env.NATS_URL,
    )
    .option(...replicasOption())
    .option("--run-id <id>", "run the events belong to (default: the run folder's name)", runIdArgument)
    .option("--epochs <n>", "training epochs", positiveInteger)
    .option("--batch-size <n>", "examples per step", positiveInteger)
    .option("--learning-rate <x>", "peak learning rate (GPU recipe)", nonNegativeNumber)
    .option("--lora-rank <n>", "LoRA rank (GPU recipe)", positiveInteger)
    .option("--poll-ms <n>", "time between looks at the job", positiveInteger, 2000)
    .option(
      "--parameters <n>",
      "model size for the FLOPs estimate, when its name does not say (4e9)",
      positiveNumber,
    )
    .action(async (runDir: string, flags: TrainFlags) => {
      const logger = createLogger();
      const runId = assertToken(flags.runId ?? basename(resolve(runDir)), "run id");
      const { samples, problems } = await readRunSamples(runDir);
      for (const problem of problems) logger.warn(`skipped malformed sample ${formatLineProblem(problem)}`);
      const hyperparameters = Hyperparameters.parse({
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        learningRate: flags.learningRate,
        loraRank: flags.loraRank,
      });
      const bus = flags.nats
        ? await Bus.open({ servers: flags.nats, name: `nanoflux-train-${runId}`, logger })
        : undefined;
      try {
        const backend = await createBackend(
          { ...flags, producer: `nanoflux-train-${runId}` },
          { env: process.env, nats: bus?.nc, natsReplicas: flags.replicas },
        );
        const progress = trainingProgress(logger, expectedSteps(samples.length, hyperparameters));
        // Interrupting stops following; the job goes on, and running the command again follows it.
        const job = await untilInterrupted((signal) =>
          trainRun({
            runId,
            examples: samples.map(sampleToChat),
            runDir,
            backend,
            hyperparameters,
            parameters: flags.parameters,
            pollMs: flags.pollMs,
            producer: `nanoflux-train-${runId}`,
            publish:
              bus &&
              ((update, msgId) => bus.publish(runId, STAGES.trainingUpdated, TrainingUpdated, update, msgId)),
            onUpdate: progress.onUpdate,
            signal,
          }),
        ).finally(progress.stop);
        const compute = job.status === "succeeded" ? await readTrainingCompute(runDir) : undefined;
        const summary = summarizeTraining(job, await jobEvents(backend, job, logger), compute);
        process.stdout.write(`${renderTrainingSummary(summary)}\n`);
        process.exitCode = job.status === "succeeded" ? 0 : 1;
      } finally {
        await bus?.close();
      }
    });
}

interface HostFlags {
  nats: string;
  replicas: number;
  commandTemplate: string;
  workDir: string;
  ackWaitMs: number;
  maxDeliver: number;
}

/** `nanoflux trainer-host`: a GPU host taking training jobs from the NATS work queue, one at a time. */
export function trainerHostCommand(): Command {
  return new Command("trainer-host")
    .description("take fine-tuning jobs from NATS and run them here, one at a time, until stopped")
    .requiredOption("--nats <url>", "NATS server holding the training queue", process.env.NATS_URL)
    .option(...replicasOption())
    .option(
      "--command-template <cmd>",
      "training command; placeholders {dataset} {output} {job} {base_model} {job_id} {epochs} {batch_size} {learning_rate} {lora_rank} {lora_alpha} {max_seq_length} {seed}",
      DEFAULT_COMMAND_TEMPLATE,
    )
    .option("--work-dir <dir>", "folder for job datasets and outputs", "trainer-work")
    .option(
      "--ack-wait-ms <n>",
      "silence after which a job goes to another host (when this host creates the queue)",
      positiveInteger,
      DEFAULT_HOST_CONSUMER.ackWaitMs,
    )
    .option(
      "--max-deliver <n>",
      "hosts a job may be given to before it is dropped (when this host creates the queue)",
      positiveInteger,
      DEFAULT_HOST_CONSUMER.maxDeliver,
    )
    .action(async (flags: HostFlags) => {
      assertValidTemplate(flags.commandTemplate);
      const host = await startTrainerHost({
        natsUrl: flags.nats,
        nats: { replicas: flags.replicas },
        commandTemplate: flags.commandTemplate,
        workDir: resolve(flags.workDir),
        consumer: { ackWaitMs: flags.ackWaitMs, maxDeliver: flags.maxDeliver },
        logger: createLogger(),
      });
      await onStopSignal();
      await host.stop();
    });
}
