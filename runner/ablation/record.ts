import type { TrainingCompute, TrainingJob } from "../../protocol/training.ts";
import type { Cell } from "./cells.ts";

/** What an ablation found, cell by cell; written to `ablation.json`, and each cell to its own folder for resuming. */

export interface EvalRef {
  summaryFile: string;
  accuracy: number;
  ci95: { low: number; high: number };
  n: number;
  correct: number;
}

export interface LossPoint {
  step: number;
  loss: number;
}

export interface FineTuneResult {
  /** Samples (or benchmark items) trained on. */
  samples: number;
  job?: TrainingJob;
  compute?: TrainingCompute;
  eval?: EvalRef;
  loss: LossPoint[];
  /** Why the cell has no accuracy: no samples in the slice, or a failed job. */
  problem?: string;
}

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
  if (!full || !own || own.trainedTokens === 0) return undefined;
  return full.flops !== undefined && own.flops !== undefined
    ? full.flops / own.flops
    : full.trainedTokens / own.trainedTokens;
}
