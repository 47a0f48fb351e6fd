import { z } from "zod";
import type { TrainingProgress } from "../protocol/training.ts";
import { parseJsonOrUndefined } from "./json-text.ts";

/**
 * Training progress: what a training command's stdout reports, and the step count a fine-tune is heading for.
 *
 * The recipe prints JSON lines (`{"step": 10, "loss": 1.23,
 * "lr": 0.0002, "tokens": 5120}`); Hugging Face trainers (TRL, Axolotl, Unsloth) print Python dicts (`{'loss': 1.2,
 * 'learning_rate': 2e-4, 'epoch': 0.5}`), which are read too by
 * swapping their single quotes for double quotes. Other lines are plain log.
 */

const ProgressFields = z.looseObject({
  step: z.number().int().nonnegative().optional(),
  global_step: z.number().int().nonnegative().optional(),
  loss: z.number().optional(),
  train_loss: z.number().optional(),
  lr: z.number().optional(),
  learning_rate: z.number().optional(),
  epoch: z.number().optional(),
  tokens: z.number().int().nonnegative().optional(),
  num_input_tokens_seen: z.number().int().nonnegative().optional(),
});

export function parseProgressLine(line: string): TrainingProgress | undefined {
  const text = line.trim();
  if (!text.startsWith("{") || !text.endsWith("}")) return undefined;
  const fields = ProgressFields.safeParse(
    parseJsonOrUndefined(text) ?? parseJsonOrUndefined(text.replace(/'/g, '"')),
  );
  if (!fields.success) return undefined;
  const { step, global_step, loss, train_loss, lr, learning_rate, epoch, tokens, num_input_tokens_seen } =
    fields.data;
  const seen = tokens ?? num_input_tokens_seen;
  const progress = {
    step: step ?? global_step,
    loss: loss ?? train_loss,
    learningRate: lr ?? learning_rate,
    epoch,
    ...(seen !== undefined ? { tokens: seen } : {}),
  };
  return progress.step === undefined && progress.loss === undefined ? undefined : progress;
}

/** Steps a fine-tune takes: a step per batch, every epoch (as the LoRA recipe counts them). */
export function expectedSteps(
  examples: number,
  hyperparameters: { epochs: number; batchSize: number },
): number {
  return Math.ceil(examples / hyperparameters.batchSize) * hyperparameters.epochs;
}

/** The step count a progress message states, as fine-tuning APIs write it ("Step 12/40: training loss=0.81"). */
export function totalStepsIn(message: string): number | undefined {
  const match = /\bstep\s+\d+\s*\/\s*(\d+)/i.exec(message);
  return match ? Number(match[1]) : undefined;
}
