import { z } from "zod";
import { TrainingCompute, TrainingJob } from "../../protocol/training.ts";
import type { Cell } from "./cells.ts";

/**
 * What an ablation found, cell by cell; written to `ablation.json`, and each step to its own file for resuming.
 * Files are read back through these schemas: one that does not parse is redone, never trusted.
 */

export const EvalRef = z.object({
  summaryFile: z.string(),
  accuracy: z.number().min(0).max(1),
  ci95: z.object({ low: z.number(), high: z.number() }),
  n: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  /** Items whose model call failed, counted wrong. */
  errors: z.number().int().nonnegative(),
});
export type EvalRef = z.infer<typeof EvalRef>;

export const LossPoint = z.object({ step: z.number(), loss: z.number() });
export type LossPoint = z.infer<typeof LossPoint>;

export const FineTuneResult = z.object({
  /** Samples (or benchmark items) trained on. */
  samples: z.number().int().nonnegative(),
  job: TrainingJob.optional(),
  compute: TrainingCompute.optional(),
  eval: EvalRef.optional(),
  loss: z.array(LossPoint),
  /** Why the cell has no accuracy: no samples in the slice, or a failed job. */
  problem: z.string().optional(),
});
export type FineTuneResult = z.infer<typeof FineTuneResult>;
export type CellResult = Cell & FineTuneResult;

export interface AblationRecord {
  name: string;
  runId: string;
  benchmark: string;
  /** The models are the simulator's: every number is a stand-in, and every output says so. */
  simulated: boolean;
  base?: EvalRef;
  full?: FineTuneResult;
  cells: CellResult[];
}

/** How many times less compute than the full-benchmark fine-tune a cell took (the same model: token ratio). */
export function computeRatio(record: AblationRecord, cell: FineTuneResult): number | undefined {
  const full = record.full?.compute;
  const own = cell.compute;
  if (!full || !own || own.trainedTokens === 0 || (own.flops ?? 1) === 0) return undefined;
  return full.flops !== undefined && own.flops !== undefined
    ? full.flops / own.flops
    : full.trainedTokens / own.trainedTokens;
}
