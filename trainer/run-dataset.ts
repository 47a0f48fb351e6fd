import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { LineProblem } from "../eval/benchmarks.ts";
import { ConfigError } from "../protocol/errors.ts";
import { Sample } from "../protocol/schemas.ts";
import { parseJsonOrUndefined } from "./json-text.ts";

/** The accepted samples a run wrote to `<runDir>/dataset.jsonl`; malformed lines are reported, not fatal. */
export async function readRunSamples(
  runDir: string,
): Promise<{ file: string; samples: Sample[]; problems: LineProblem[] }> {
  const file = join(runDir, "dataset.jsonl");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(
      `cannot read ${file} (${(err as Error).message}): give the folder of a run (runs/<runId>)`,
      { cause: err },
    );
  }
  const samples: Sample[] = [];
  const problems: LineProblem[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    const parsed = Sample.safeParse(parseJsonOrUndefined(line));
    if (parsed.success) samples.push(parsed.data);
    else problems.push({ file, line: index + 1, reason: parsed.error.issues[0]?.message ?? "not a sample" });
  });
  return { file, samples, problems };
}
