import { readFile } from "node:fs/promises";
import { ConfigError } from "../../protocol/errors.ts";
import { Sample } from "../../protocol/schemas.ts";
import { DatasetCardInput } from "./dataset-card.ts";

/** Reads what a run left in its folder: the dataset (one Sample per line) and, when present, its report. */

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
        `${path}:${i + 1}: ${json.ok ? parsed?.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") : json.message}`,
      );
  });
  if (problems.length > 0) {
    throw new ConfigError(
      `${problems.length} invalid sample line(s); fix or remove them:\n  ${problems.slice(0, 10).join("\n  ")}`,
    );
  }
  return samples;
}

/** The run report, if the run wrote one; a malformed report is an error rather than a card with gaps. */
export async function readReportFile(path: string): Promise<DatasetCardInput | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const json = readJson(text);
  const parsed = json.ok ? DatasetCardInput.safeParse(json.value) : undefined;
  if (!parsed?.success) {
    const why = json.ok
      ? parsed?.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")
      : json.message;
    throw new ConfigError(`${path} is not a valid run report (${why}); remove it to export without it`);
  }
  return parsed.data;
}
