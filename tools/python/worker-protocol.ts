import { z } from "zod";

/** Messages the sandbox's workers send to the host. The workers are plain JavaScript, so their side is checked here. */

/** snapshot-worker.mjs: the state every call's interpreter starts from. */
export const ImageMade = z.object({
  type: z.literal("image"),
  /** Pyodide's WebAssembly, compiled once; V8 shares it between the workers of the process. */
  wasmModule: z.instanceof(WebAssembly.Module),
  /** Pyodide's memory snapshot of a booted interpreter with the common modules imported. */
  snapshot: z.instanceof(Uint8Array),
});
export type InterpreterImage = Omit<z.infer<typeof ImageMade>, "type">;

/** sandbox-worker.mjs: the interpreter is restored and hardened, ready for its one snippet. */
export const WorkerReady = z.object({ type: z.literal("ready") });

/** sandbox-worker.mjs: how the snippet ended. */
export const WorkerResult = z.object({
  type: z.literal("result"),
  /** The formatted Python error, or null when the code ran to the end. */
  error: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  /** The run asked for more memory than the cap allowed. */
  memoryExceeded: z.boolean(),
  /** The interpreter itself broke. */
  fatal: z.boolean(),
});
export type WorkerResult = z.infer<typeof WorkerResult>;

/** What the host hands a call's worker at start (`workerData`), besides the image. */
export interface WorkerLimits {
  memoryLimitBytes: number;
  maxOutputBytes: number;
}
