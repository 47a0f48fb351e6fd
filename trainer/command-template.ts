import { fileURLToPath } from "node:url";
import { ConfigError } from "../protocol/errors.ts";
import type { Hyperparameters } from "../protocol/training.ts";

/**
 * The training command a GPU host runs, from a template such as
 * `python3 recipes/lora_sft.py --dataset {dataset} --output-dir {output} --job {job}`. The template is split into
 * arguments first and placeholders are filled in each argument after, with no shell in between, so a value
 * (a model name from the queue, say) can never become shell syntax.
 */

export const RECIPE_PATH = fileURLToPath(new URL("../recipes/lora_sft.py", import.meta.url));

export const DEFAULT_COMMAND_TEMPLATE = `python3 "${RECIPE_PATH}" --dataset {dataset} --output-dir {output} --job {job}`;

export interface CommandValues {
  jobId: string;
  baseModel: string;
  /** The chat JSONL file on the host. */
  dataset: string;
  /** Where the command writes the trained adapter. */
  output: string;
  /** JSON file with the whole job (base model and hyper-parameters). */
  job: string;
  hyperparameters: Hyperparameters;
}

function placeholders(values: CommandValues): Record<string, string> {
  const h = values.hyperparameters;
  return {
    job_id: values.jobId,
    base_model: values.baseModel,
    dataset: values.dataset,
    output: values.output,
    job: values.job,
    epochs: String(h.epochs),
    batch_size: String(h.batchSize),
    learning_rate: String(h.learningRate),
    lora_rank: String(h.loraRank),
    lora_alpha: String(h.loraAlpha),
    max_seq_length: String(h.maxSeqLength),
    seed: String(h.seed),
  };
}

/** Splits a command line into arguments: whitespace separates, single or double quotes group, backslash escapes. */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char === "\\" && quote === '"' && i + 1 < line.length ? (line[++i] as string) : char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current ??= "";
    } else if (/\s/.test(char)) {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else {
      current = (current ?? "") + (char === "\\" && i + 1 < line.length ? (line[++i] as string) : char);
    }
  }
  if (quote) throw new ConfigError(`command template has an unclosed ${quote} quote: ${line}`);
  if (current !== undefined) args.push(current);
  return args;
}

/** The program and its arguments for one job. */
export function renderCommand(template: string, values: CommandValues): { program: string; args: string[] } {
  const known = placeholders(values);
  const filled = splitCommandLine(template).map((arg) =>
    arg.replace(/\{([a-z_]+)\}/g, (match, name: string) => {
      const value = known[name];
      if (value === undefined) {
        throw new ConfigError(
          `command template: unknown placeholder ${match}; use ${Object.keys(known)
            .map((k) => `{${k}}`)
            .join(", ")}`,
        );
      }
      return value;
    }),
  );
  const [program, ...args] = filled;
  if (!program)
    throw new ConfigError("command template is empty: give a training command, e.g. the default recipe's");
  return { program, args };
}

/** Checks a template before a host starts taking jobs, so a typo fails at start-up and not on the first job. */
export function assertValidTemplate(template: string): void {
  renderCommand(template, {
    jobId: "check",
    baseModel: "check",
    dataset: "check",
    output: "check",
    job: "check",
    hyperparameters: {
      epochs: 1,
      batchSize: 1,
      learningRate: 1,
      loraRank: 1,
      loraAlpha: 1,
      maxSeqLength: 1,
      seed: 1,
    },
  });
}
