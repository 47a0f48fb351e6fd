import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { z } from "zod";
import { ConfigError } from "../../protocol/errors.ts";
import { Level } from "../../protocol/schemas.ts";

/**
 * An ablation: which dataset slices to fine-tune and evaluate. Each cell is one quality level x one complexity x
 * one dataset size (x one domain, when domains are listed); the paper's curves are accuracy against level and
 * complexity, with the base model and, if asked, a fine-tune on a whole benchmark for comparison.
 */
/** A name that is safe as a folder: never a path. */
export const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** A list whose entries differ: a repeated level would pay for its cells twice. */
function distinct<T extends z.ZodArray<z.ZodType>>(list: T) {
  return list.refine((items) => new Set(items).size === items.length, "list each entry once");
}

export const AblationSpec = z.strictObject({
  name: z
    .string()
    .regex(TOKEN, "1-64 letters, digits, '-' or '_'")
    .optional()
    .describe("names the output folder and the generation run; default the topology's name"),
  benchmark: z
    .string()
    .min(1)
    .describe("benchmark to evaluate on: gsmhard, gsm8k, medqa, ... or a .jsonl file"),
  evalItems: z.number().int().positive().max(100_000).default(200).describe("items drawn from it, seeded"),
  levels: distinct(z.array(Level).min(1).max(5)).default(["L4"]),
  complexities: distinct(z.array(z.number().int().min(1).max(5)).min(1).max(5)).default([3]),
  sizes: distinct(z.array(z.number().int().positive().max(100_000)).min(1).max(8)).default([100]),
  // Domains name folders: tokens only.
  domains: distinct(
    z.array(z.string().regex(TOKEN, "letters, digits, '-' or '_'")).min(1).max(16),
  ).optional(),
  fullBenchmark: z
    .string()
    .min(1)
    .optional()
    .describe("benchmark file or name to fine-tune on in full: the baseline of the compute ratio"),
  parameters: z.number().positive().optional().describe("model size for FLOPs, when its name does not say"),
  evalBaseUrl: z
    .url()
    .optional()
    .describe("where the fine-tuned models are served; default the training model's baseUrl"),
  seed: z.number().int().default(1),
});
export type AblationSpec = z.infer<typeof AblationSpec>;

/** Reads and checks a spec file: every problem with its field, before anything is created. */
export async function loadAblationSpec(file: string): Promise<AblationSpec> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`ablation spec ${file}: cannot read it as YAML (${(err as Error).message})`);
  }
  const parsed = AblationSpec.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new ConfigError(`ablation spec ${file}: ${problems.join("; ")}`);
  }
  return parsed.data;
}
