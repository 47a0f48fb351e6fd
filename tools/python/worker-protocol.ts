import { z } from "zod";

/** Messages sandbox-worker.mjs sends to the host. The worker is plain JavaScript, so its side is checked here. */

export const WorkerReady = z.object({ type: z.literal("ready") });
export type WorkerReady = z.infer<typeof WorkerReady>;

export const WorkerResult = z.object({
  type: z.literal("result"),
  id: z.number().int(),
  /** The formatted Python error, or null when the code ran to the end. */
  error: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  /** The run asked for more memory than the cap allowed. */
  memoryExceeded: z.boolean(),
  /** The interpreter itself broke: the worker must be replaced. */
  fatal: z.boolean(),
});
export type WorkerResult = z.infer<typeof WorkerResult>;

export const WorkerMessage = z.discriminatedUnion("type", [WorkerReady, WorkerResult]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;

/** What the host hands the worker at start (`workerData`). */
export interface WorkerSettings {
  memoryLimitBytes: number;
  maxOutputBytes: number;
}
