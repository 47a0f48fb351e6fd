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
  publish?(update: TrainingUpdated, msgId: string): Promise<void>;
  /** Every change seen, for progress output. */
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
