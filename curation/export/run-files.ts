import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ConfigError } from "../../protocol/errors.ts";
import { RunStarted } from "../../protocol/messages.ts";
import { Sample } from "../../protocol/schemas.ts";
import { DatasetCardInput } from "./card-input.ts";

/**
 * Reads what a run left in its folder: the dataset (one Sample per line), and when present its report
 * (report.json) and its record (run.json: the `run.started` event, with the topology and models).
 */

export const DATASET_FILE = "dataset.jsonl";
export const REPORT_FILE = "report.json";
/** Written by runner/run-session.ts (RUN_RECORD_FILE); runs before it have none. */
export const RUN_RECORD_FILE = "run.json";

function readJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `not JSON (${(err as Error).message})` };
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: the folder given is a file.
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
}

/** Every line must be a valid Sample: a silently dropped line would be silently missing training data. */
export async function readDatasetFile(path: string): Promise<Sample[]> {
  const text = await readText(path);
  if (text === undefined) {
    throw new ConfigError(
      `${path} not found: pass the folder of a run (runs/<runId>) that has accepted samples`,
    );
  }
  const samples: Sample[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const json = readJson(line);
    const parsed = json.ok ? Sample.safeParse(json.value) : undefined;
    if (parsed?.success) samples.push(parsed.data);
    else
      problems.push(
        `${path}:${i + 1}: ${json.ok && parsed && !parsed.success ? issuesText(parsed.error) : json.ok ? "" : json.message}`,
      );
  });
  if (problems.length > 0) {
    throw new ConfigError(
      `${problems.length} invalid sample line(s); fix or remove them:\n  ${problems.slice(0, 10).join("\n  ")}`,
    );
  }
  return samples;
}

/** A JSON file of the run read through a schema; undefined when absent, a ConfigError when malformed. */
async function readRunJson<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const json = readJson(text);
  const parsed = json.ok ? schema.safeParse(json.value) : undefined;
  if (parsed?.success) return parsed.data;
  const why = json.ok && parsed && !parsed.success ? issuesText(parsed.error) : json.ok ? "" : json.message;
  throw new ConfigError(
    `${path} is not a valid ${what} (${why}); remove it to export without it (the card then says what is unknown)`,
  );
}

/** The run report, if the run wrote one; a malformed report is an error rather than a card with gaps. */
export function readReportFile(path: string): Promise<DatasetCardInput | undefined> {
  return readRunJson(path, DatasetCardInput, "run report");
}

/** A part of the recorded topology the card uses: unreadable (another version's shape) counts as unknown. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

const Mix = lenient(z.record(z.string(), z.number()));

/**
 * The parts of the topology recorded in run.json that the export reads. Every part is optional and a part of
 * another shape reads as unknown, so a run recorded by an older or newer NanoFlux still exports.
 */
export const RecordedTopology = z.object({
  name: lenient(z.string()),
  models: lenient(
    z.array(z.object({ id: z.string(), model: z.string(), baseUrl: z.string().optional().catch(undefined) })),
  ),
  run: lenient(z.object({ domains: lenient(z.array(z.string())), seed: lenient(z.number()) })),
  tournament: lenient(
    z.object({
      targetDefenderSuccess: lenient(z.number()),
      adaptComplexity: lenient(z.boolean()),
      startComplexity: lenient(z.number()),
      pairing: lenient(z.string()),
    }),
  ),
  curation: lenient(
    z.object({
      target: lenient(z.number()),
      levels: lenient(z.array(z.string())),
      accept: lenient(z.string()),
      noveltyThreshold: lenient(z.number()),
      complexityMix: Mix,
      domainMix: Mix,
      embedder: lenient(z.object({ kind: z.string(), model: z.string().optional().catch(undefined) })),
      decontamination: lenient(
        z.object({
          benchmarks: z.array(z.string()),
          similarityThreshold: lenient(z.number()),
          ngramSize: lenient(z.number()),
          ngramOverlap: lenient(z.number()),
        }),
      ),
    }),
  ),
  dataset: lenient(
    z.object({
      license: lenient(z.string()),
      prettyName: lenient(z.string()),
      description: lenient(z.string()),
      validation: lenient(z.number()),
      splitSeed: lenient(z.number().int()),
    }),
  ),
  simulator: lenient(z.object({ models: lenient(z.array(z.object({ name: z.string() }))) })),
  responseCache: lenient(z.object({ enabled: lenient(z.boolean()) })),
});
export type RecordedTopology = z.infer<typeof RecordedTopology>;

export interface RunRecord {
  started: RunStarted;
  topology: RecordedTopology;
}

/** run.json, read with the `run.started` schema; undefined for a run folder from before it was written. */
export async function readRunRecord(path: string): Promise<RunRecord | undefined> {
  const started = await readRunJson(path, RunStarted, "run record (run.started)");
  return started && { started, topology: RecordedTopology.parse(started.config) };
}
