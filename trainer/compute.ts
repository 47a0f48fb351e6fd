import type { TrainingCompute, TrainingJob } from "../protocol/training.ts";
import { formatFlops } from "../terminal/numbers.ts";

/**
 * What a fine-tune cost in compute: tokens trained (epochs included), the model's size, the training FLOPs by
 * the usual dense-transformer estimate of 6 x parameters x tokens (the quantity behind the paper's 3-14x),
 * and wall time. Backends that count tokens (OpenAI's `trained_tokens`, the LoRA recipe's `tokens`) are
 * believed; otherwise tokens are estimated from the dataset's size and marked so.
 */

export type { TrainingCompute };

const CHARS_PER_TOKEN = 4;
const SIZE_IN_NAME = /(?:^|[^A-Za-z0-9.])(\d+(?:\.\d+)?)\s*([BbMm])(?![A-Za-z])/;

/** Parameters a model's name states ("Qwen/Qwen3-4B" is 4e9, "SmolLM2-360M" 3.6e8); undefined when it states none. */
export function parametersInName(model: string): number | undefined {
  const match = SIZE_IN_NAME.exec(model);
  if (!match) return undefined;
  const scale = (match[2] as string).toLowerCase() === "b" ? 1e9 : 1e6;
  return Number(match[1]) * scale;
}

export interface ComputeInputs {
  epochs: number;
  /** Characters of the training file, for the estimate when the backend counted no tokens. */
  datasetChars: number;
  /** Overrides the size read from the base model's name. */
  parameters?: number;
}

export function trainingCompute(job: TrainingJob, inputs: ComputeInputs): TrainingCompute {
  const counted = job.trainedTokens;
  const trainedTokens = counted ?? Math.round((inputs.datasetChars / CHARS_PER_TOKEN) * inputs.epochs);
  const parameters = inputs.parameters ?? parametersInName(job.baseModel);
  const wall =
    job.createdAt && job.finishedAt
      ? (Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000
      : undefined;
  return {
    trainedTokens,
    tokensEstimated: counted === undefined,
    epochs: inputs.epochs,
    ...(parameters !== undefined ? { parameters, flops: 6 * parameters * trainedTokens } : {}),
    ...(wall !== undefined && wall >= 0 ? { wallSeconds: wall } : {}),
  };
}

/** One line for the terminal: tokens, FLOPs and wall time of a fine-tune. */
export function computeLine(compute: TrainingCompute): string {
  const tokens = `${compute.trainedTokens.toLocaleString("en")} tokens trained${compute.tokensEstimated ? " (estimated)" : ""}`;
  const flops =
    compute.parameters === undefined
      ? "FLOPs unknown (give --parameters)"
      : `${formatFlops(compute.flops)} FLOPs (6 x ${compute.parameters.toExponential(1).replace("e+", "e")} parameters x tokens)`;
  const wall = compute.wallSeconds === undefined ? "" : `, ${compute.wallSeconds.toFixed(1)} s`;
  return `compute: ${tokens} over ${compute.epochs} epoch(s), ${flops}${wall}`;
}
