import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { urlsForRecord } from "../log/redaction.ts";
import { ConfigError } from "../protocol/errors.ts";
import { TrainingCompute } from "../protocol/training.ts";

/**
 * What an evaluation writes: one JSON line per item and a summary that points at them. `nanoflux compare`
 * reads them back, validated, so files from another machine or an older version fail with a clear message.
 */

export const ItemResult = z.object({
  id: z.string(),
  correct: z.boolean(),
  expected: z.string(),
  given: z.string().nullable(),
  reason: z.string(),
  /** The model's whole reply, for auditing the grade; empty when the call failed. */
  reply: z.string(),
  /** Set when the model could not be reached or refused; the item counts as wrong. */
  error: z.string().optional(),
  latencyMs: z.number().nonnegative(),
  /** What this evaluation was billed for the item: 0 when the answer came from the response cache. */
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** Set when the answer came from the response cache: what the stored answer had cost, saved this time. */
  cached: z
    .object({
      promptTokens: z.number().int().nonnegative(),
      completionTokens: z.number().int().nonnegative(),
    })
    .optional(),
});
export type ItemResult = z.infer<typeof ItemResult>;

/** What an evaluation spent, and what the response cache saved it. Absent from files of older versions. */
export const EvalUsage = z.object({
  /** Tokens billed. */
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  /** Items answered from the response cache, and the tokens those answers had cost. */
  cachedItems: z.number().int().nonnegative(),
  savedTokens: z.number().int().nonnegative(),
});
export type EvalUsage = z.infer<typeof EvalUsage>;

/** The usage of a set of item results. */
export function usageOf(items: readonly ItemResult[]): EvalUsage {
  const usage: EvalUsage = { promptTokens: 0, completionTokens: 0, cachedItems: 0, savedTokens: 0 };
  for (const item of items) {
    usage.promptTokens += item.promptTokens;
    usage.completionTokens += item.completionTokens;
    if (!item.cached) continue;
    usage.cachedItems += 1;
    usage.savedTokens += item.cached.promptTokens + item.cached.completionTokens;
  }
  return usage;
}

export const EvalSummary = z.object({
  type: z.literal("eval.summary.v1"),
  /** Column heading in comparisons: base, nanoflux, full-benchmark, ... */
  label: z.string(),
  model: z.string(),
  /** The endpoint as results may show it: no `user:password@`, query or fragment (urlsForRecord). */
  baseUrl: z.string(),
  benchmark: z.string(),
  file: z.string(),
  selection: z.object({
    limit: z.number().optional(),
    sample: z.number().optional(),
    seed: z.number().optional(),
  }),
  n: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  accuracy: z.number().min(0).max(1),
  ci95: z.object({ low: z.number(), high: z.number() }),
  skippedLines: z.number().int().nonnegative(),
  /** Per-item results, relative to the summary's folder. */
  itemsFile: z.string(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  /** The fine-tune that made the model, when known: `compare` prints compute ratios from it. */
  training: TrainingCompute.optional(),
  usage: EvalUsage.optional(),
});
export type EvalSummary = z.infer<typeof EvalSummary>;

export interface SavedEvaluation {
  summary: EvalSummary;
  items: ItemResult[];
  summaryFile: string;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/**
 * Writes `<outDir>/<label>.<benchmark>.summary.json` and its `.items.jsonl` beside it; the summary's endpoint
 * as urlsForRecord gives it, whatever the caller passed.
 */
export async function saveEvaluation(
  outDir: string,
  draft: Omit<EvalSummary, "itemsFile">,
  items: ItemResult[],
): Promise<{ summary: EvalSummary; summaryFile: string }> {
  const stem = `${slug(draft.label)}.${slug(draft.benchmark)}`;
  const itemsFile = `${stem}.items.jsonl`;
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, itemsFile), items.map((item) => `${JSON.stringify(item)}\n`).join(""));
  const summaryFile = join(outDir, `${stem}.summary.json`);
  const summary = EvalSummary.parse({ ...draft, baseUrl: urlsForRecord(draft.baseUrl), itemsFile });
  await writeFile(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return { summary, summaryFile };
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `cannot read ${what} ${file} (${(err as Error).message}); give a *.summary.json written by nanoflux eval`,
      {
        cause: err,
      },
    );
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${where}: not JSON (${(err as Error).message})`, { cause: err });
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  throw new ConfigError(`${where}: not an evaluation result written by nanoflux eval (${issues})`);
}

/** Reads a summary and its per-item results. */
export async function loadEvaluation(summaryFile: string): Promise<SavedEvaluation> {
  const summary = checked(
    EvalSummary,
    parseJson(await readText(summaryFile, "summary"), summaryFile),
    summaryFile,
  );
  const itemsPath = resolve(dirname(summaryFile), summary.itemsFile);
  const lines = (await readText(itemsPath, "item results")).split("\n");
  const items = lines.flatMap((line, index) => {
    if (line.trim() === "") return [];
    const where = `${itemsPath}:${index + 1}`;
    return [checked(ItemResult, parseJson(line, where), where)];
  });
  return { summary, items, summaryFile };
}
