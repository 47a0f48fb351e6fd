import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { ConfigError, errorMessage } from "../protocol/errors.ts";
import type { Sample } from "../protocol/schemas.ts";
import {
  type Hyperparameters,
  isTerminal,
  type TrainingEvent,
  TrainingJob,
  type TrainingUpdated,
} from "../protocol/training.ts";
import type { TrainingBackend } from "./backend.ts";
import { writeChatJsonl } from "./chat-export.ts";
import { followJob } from "./follow-job.ts";
import { parseJsonOrUndefined } from "./json-text.ts";

export interface TrainRunOptions {
  runId: string;
  samples: readonly Sample[];
  /** The run's folder: the chat dataset and the job record go to `<runDir>/training/`. */
  runDir: string;
  backend: TrainingBackend;
  hyperparameters: Hyperparameters;
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

/** The job this run already started on this backend, so a restarted Trainer follows it instead of paying twice. */
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
  return parsed.data.backend === backend.name ? parsed.data : undefined;
}

/**
 * Trains on a run's accepted samples: writes them as chat JSONL, submits the job (or resumes the one already
 * submitted), follows it to the end while reporting state changes, and returns the final state.
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainingJob> {
  const { backend, runId } = options;
  if (options.samples.length === 0) {
    throw new ConfigError(`run ${runId} has no accepted samples to train on; run it to its target first`);
  }
  const dir = trainingDir(options.runDir);
  await mkdir(dir, { recursive: true });
  const recordFile = join(dir, `${backend.name}-job.json`);
  const record = (job: TrainingJob) => writeFileAtomic(recordFile, `${JSON.stringify(job, null, 2)}\n`);

  let job = await startedJob(recordFile, backend);
  if (!job) {
    const file = join(dir, "train.chat.jsonl");
    await writeChatJsonl(options.samples, file);
    job = await backend.submit({ runId, file, samples: options.samples.length }, options.hyperparameters);
    await record(job);
  }
  if (isTerminal(job.status)) return job;

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
  await record(final);
  return final;
}
