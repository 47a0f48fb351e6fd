import { setTimeout as sleep } from "node:timers/promises";
import { isTerminal, type TrainingEvent, type TrainingJob } from "../protocol/training.ts";
import type { TrainingBackend } from "./backend.ts";

export interface FollowOptions {
  /** Time between looks at the job. */
  pollMs: number;
  signal?: AbortSignal;
  /**
   * Read the job's events while following it. Default: only for backends whose workers do not publish their
   * own (the Trainer publishes what it sees); a command that shows progress reads them from any backend.
   */
  events?: boolean;
  /** A status change (event undefined) or a new event of the job. */
  onUpdate?(job: TrainingJob, event?: TrainingEvent): Promise<void>;
}

/** Follows a job until it succeeds, fails or is cancelled, reporting each change once; returns the final state. */
export async function followJob(
  backend: TrainingBackend,
  first: TrainingJob,
  options: FollowOptions,
): Promise<TrainingJob> {
  const seen = new Set<string>();
  let last: TrainingJob | undefined;
  const readEvents = options.events ?? !backend.reportsEvents;
  for (let job = first; ; job = await backend.status(first.id)) {
    if (readEvents) {
      for (const event of await backend.events(job.id)) {
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        await options.onUpdate?.(job, event);
      }
    }
    if (job.status !== last?.status) await options.onUpdate?.(job);
    last = job;
    if (isTerminal(job.status)) return job;
    await sleep(options.pollMs, undefined, { signal: options.signal });
  }
}
