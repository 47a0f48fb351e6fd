import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { ConfigError, errorMessage } from "../protocol/errors.ts";
import {
  type Hyperparameters,
  isTerminal,
  TrainingCompute,
  type TrainingEvent,
  TrainingJob,
  type TrainingUpdated,
} from "../protocol/training.ts";
import { formatDuration, formatFlops } from "../terminal/numbers.ts";
import type { TrainingBackend } from "./backend.ts";
import { type ChatExample, writeChatExamples } from "./chat-export.ts";
import { trainingCompute } from "./compute.ts";
import { followJob } from "./follow-job.ts";
import { parseJsonOrUndefined } from "./json-text.ts";

export interface TrainRunOptions {
  runId: string;
  /** The examples to train on: a run's samples through `sampleToChat`, or any chat examples. */
  examples: readonly ChatExample[];
  /** The run's folder: the chat dataset and the job record go to `<runDir>/training/`. */
  runDir: string;
  backend: TrainingBackend;
  hyperparameters: Hyperparameters;
  /** Model size for the compute record when the base model's name does not state it. */
  parameters?: number;
  pollMs: number;
  producer: string;
  /** Publishes a `training.updated` event; used for backends whose workers do not publish their own. */
  publish?(update: TrainingUpdated, msgId: string): Promise<unknown>;
  /** Every change seen, for progress output: the job's events are read from any backend when this is given. */
  onUpdate?(job: TrainingJob, event?: TrainingEvent): void;
  signal?: AbortSignal;
}

export function trainingDir(runDir: string): string {
  return join(runDir, "training");
}

const COMPUTE_FILE = "compute.json";

/** The compute a run's finished fine-tune recorded (`training/compute.json`), if it has one. */
export async function readTrainingCompute(runDir: string): Promise<TrainingCompute | undefined> {
  const text = await readFile(join(trainingDir(runDir), COMPUTE_FILE), "utf8").catch(() => undefined);
  const parsed = TrainingCompute.safeParse(text === undefined ? undefined : parseJsonOrUndefined(text));
  return parsed.success ? parsed.data : undefined;
}

/**
 * The job this run already started on this backend, so a restarted Trainer follows it instead of paying twice;
 * none when the recorded one failed.
 */
async function startedJob(recordFile: string, backend: TrainingBackend): Promise<TrainingJob | undefined> {
  let text: string;
  try {
    text = await readFile(recordFile, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const parsed = TrainingJob.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success)
    throw new ConfigError(
      `${recordFile} is not a training job record (${errorMessage(parsed.error)}); delete it to train anew`,
    );
  // A job that failed or was cancelled is tried again: only a running or succeeded one is worth following.
  const job = parsed.data;
  const retry = isTerminal(job.status) && job.status !== "succeeded";
  return job.backend === backend.name && !retry ? job : undefined;
}

/**
 * Trains on a run's accepted samples: writes them as chat JSONL, submits the job (or resumes the one already
 * submitted), follows it to the end while reporting state changes, and returns the final state.
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainingJob> {
  const { backend, runId } = options;
  if (options.examples.length === 0) {
    throw new ConfigError(`run ${runId} has no accepted samples to train on; run it to its target first`);
  }
  const dir = trainingDir(options.runDir);
  await mkdir(dir, { recursive: true });
  const recordFile = join(dir, `${backend.name}-job.json`);
  const record = (job: TrainingJob) => writeFileAtomic(recordFile, `${JSON.stringify(job, null, 2)}\n`);

  const file = join(dir, "train.chat.jsonl");
  /** A finished job's compute, written beside its record. */
  const finish = async (job: TrainingJob) => {
    await record(job);
    if (job.status !== "succeeded") return job;
    const compute = trainingCompute(job, {
      epochs: options.hyperparameters.epochs,
      datasetChars: options.examples.reduce((n, example) => n + JSON.stringify(example).length + 1, 0),
      parameters: options.parameters,
    });
    await writeFileAtomic(join(dir, COMPUTE_FILE), `${JSON.stringify(compute, null, 2)}\n`);
    return job;
  };
  let job = await startedJob(recordFile, backend);
  if (!job) {
    await writeChatExamples(options.examples, file);
    job = await backend.submit({ runId, file, samples: options.examples.length }, options.hyperparameters);
    await record(job);
  }
  if (isTerminal(job.status)) return finish(job);

  const final = await followJob(backend, job, {
    pollMs: options.pollMs,
    signal: options.signal,
    events: !backend.reportsEvents || options.onUpdate !== undefined,
    onUpdate: async (current, event) => {
      options.onUpdate?.(current, event);
      if (backend.reportsEvents || !options.publish) return;
      const update: TrainingUpdated = {
        type: "training.updated.v1",
        runId,
        at: event?.at ?? new Date().toISOString(),
        producer: options.producer,
        job: current,
        event,
      };
      await options.publish(
        update,
        event ? `${current.id}:event:${event.id}` : `${current.id}:status:${current.status}`,
      );
    },
  });
  return finish(final);
}

/** A loss the job reported, at its step. */
export interface LossPoint {
  step: number;
  loss: number;
}

/** What a finished fine-tune comes to, for the summary `nanoflux train` prints. */
export interface TrainingSummary {
  job: TrainingJob;
  first?: LossPoint;
  last?: LossPoint;
  best?: LossPoint;
  /** The highest step the job reported. */
  steps?: number;
  compute?: TrainingCompute;
}

/** The summary of a job from its events (oldest first, as backends list them) and its compute record. */
export function summarizeTraining(
  job: TrainingJob,
  events: readonly TrainingEvent[],
  compute?: TrainingCompute,
): TrainingSummary {
  const byStep = new Map<number, number>();
  for (const { progress } of events)
    if (progress?.step !== undefined && progress.loss !== undefined) byStep.set(progress.step, progress.loss);
  const points = [...byStep].map(([step, loss]) => ({ step, loss })).sort((a, b) => a.step - b.step);
  const steps = events.flatMap(({ progress }) => (progress?.step === undefined ? [] : [progress.step]));
  return {
    job,
    first: points[0],
    last: points.at(-1),
    best: points.reduce<LossPoint | undefined>(
      (best, p) => (best && best.loss <= p.loss ? best : p),
      undefined,
    ),
    steps: steps.length > 0 ? Math.max(...steps) : undefined,
    compute,
  };
}

function lossAt(point: LossPoint): string {
  return `${Number(point.loss.toPrecision(4))} (step ${point.step})`;
}

/** The job's outcome, then loss, steps, tokens, compute and wall time, one per line. */
export function renderTrainingSummary(summary: TrainingSummary): string {
  const { job, first, last, best, compute } = summary;
  const outcome =
    job.status === "succeeded"
      ? `fine-tuned model: ${job.fineTunedModel}${job.artifact ? ` (${job.artifact})` : ""}`
      : (job.error ?? "");
  const rows: Array<[string, string | undefined]> = [
    [
      "loss",
      first && last && best
        ? `first ${lossAt(first)}, last ${lossAt(last)}, best ${lossAt(best)}`
        : "not reported",
    ],
    ["steps", summary.steps === undefined ? undefined : String(summary.steps)],
    [
      "tokens",
      compute &&
        `${compute.trainedTokens.toLocaleString("en")} trained over ${compute.epochs} epoch(s)${compute.tokensEstimated ? " (estimated)" : ""}`,
    ],
    [
      "compute",
      compute &&
        (compute.parameters === undefined
          ? "FLOPs unknown (give --parameters)"
          : `${formatFlops(compute.flops)} FLOPs (6 x ${compute.parameters.toExponential(1).replace("e+", "e")} parameters x tokens)`),
    ],
    [
      "wall time",
      compute?.wallSeconds === undefined ? undefined : formatDuration(compute.wallSeconds * 1000),
    ],
  ];
  return [
    `job ${job.id} ${job.status}${outcome ? `: ${outcome}` : ""}`,
    ...rows.flatMap(([name, value]) => (value === undefined ? [] : [`  ${name.padEnd(10)}${value}`])),
  ].join("\n");
}
