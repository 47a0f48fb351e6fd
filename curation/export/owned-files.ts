import { createHash } from "node:crypto";
import { lstat, readFile, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { writableFolderProblem } from "../../config/path-checks.ts";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { ExportFormat, SplitName } from "./formats.ts";

/**
 * An export overwrites only what an earlier export wrote. Each export lists the files it wrote, with the sha256
 * of their contents, in a manifest beside them; a later export may replace (or remove) a file only while its
 * content still matches that hash. Any other file at a target path (a project's README.md, a file edited
 * since) stops the export before it writes anything, unless the user says --force. The manifest also keeps
 * what the dataset card needs to describe every config in the folder, whichever export wrote it.
 */

export const MANIFEST_FILE = ".nanoflux-export.json";

/** One config (format) in the folder, as the export that wrote it left it. */
export const ExportedConfig = z.object({
  format: ExportFormat,
  splits: z
    .array(
      z.object({
        name: SplitName,
        numExamples: z.number().int().nonnegative(),
        /** Relative paths, the Parquet file first. */
        files: z.array(z.string()).min(1),
      }),
    )
    .min(1),
  /** The card's `dataset_info.features` for this config, as written when its files were. */
  features: z.array(z.record(z.string(), z.unknown())),
  validation: z.number().min(0).max(1),
  splitSeed: z.number().int(),
  /** System message of every example. */
  system: z.string(),
});
export type ExportedConfig = z.infer<typeof ExportedConfig>;

/** Which samples the folder's configs hold: every config in one folder is of one dataset. */
export const ExportedDataset = z.object({
  runId: z.string().optional(),
  samples: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type ExportedDataset = z.infer<typeof ExportedDataset>;

const ManifestV1 = z.object({ version: z.literal(1), files: z.record(z.string(), z.string()) });
export const Manifest = z.object({
  version: z.literal(2),
  files: z.record(z.string(), z.string()),
  dataset: ExportedDataset.optional(),
  configs: z.record(z.string(), ExportedConfig).default({}),
});
export type Manifest = z.infer<typeof Manifest>;

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** A file's bytes; undefined when nothing is there, "not a file" for a folder or other non-file. */
async function readIfFile(path: string): Promise<Buffer | "not a file" | undefined> {
  try {
    if (!(await stat(path)).isFile()) return "not a file";
    return await readFile(path);
  } catch (err) {
    // ENOTDIR: a file stands where a folder above would be; the folder checks name it.
    if (code(err) === "ENOENT" || code(err) === "ENOTDIR") return undefined;
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The folder's manifest; undefined when there is none or the file there is not one of ours. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const bytes = await readIfFile(join(dir, MANIFEST_FILE));
  if (!(bytes instanceof Buffer)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  const v2 = Manifest.safeParse(json);
  if (v2.success) return v2.data;
  // An export before configs were recorded: its files are still ours.
  const v1 = ManifestV1.safeParse(json);
  return v1.success ? { version: 2, files: v1.data.files, configs: {} } : undefined;
}

/** Why a folder the export writes into (a format's) cannot be used, or undefined: absent or a real folder. */
async function subfolderProblem(path: string): Promise<string | undefined> {
  try {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) return `${path} is a link; the export writes only into folders it makes`;
    return stats.isDirectory() ? undefined : `${path} is a file, not a folder`;
  } catch (err) {
    if (code(err) === "ENOENT") return undefined;
    return `${path} cannot be reached (${code(err) ?? (err as Error).message})`;
  }
}

/**
 * Checks, before anything is written, that the export may write `names` (paths relative to `dir`) into `dir`:
 * the folder can be written (or created), the folders below it are folders, and each existing file there is one
 * an earlier export wrote and nobody changed since, or `force` is set. Creates nothing; throws a ConfigError
 * naming every path in the way and the fix.
 */
export async function assertMayWrite(
  dir: string,
  names: readonly string[],
  manifest: Manifest | undefined,
  force: boolean,
): Promise<void> {
  const problem = await writableFolderProblem(dir);
  if (problem) throw new ConfigError(`cannot export into ${resolve(dir)}: ${problem}; choose another --out`);
  const folders = [...new Set(names.map((name) => dirname(name)).filter((d) => d !== "."))];
  const folderProblems = (
    await Promise.all(folders.map((folder) => subfolderProblem(join(resolve(dir), folder))))
  ).filter((p) => p !== undefined);
  if (folderProblems.length > 0)
    throw new ConfigError(
      `cannot export into ${resolve(dir)}: ${folderProblems.join("; ")}; move it away or choose another --out`,
    );
  const notFiles: string[] = [];
  const foreign: string[] = [];
  for (const name of [...names, MANIFEST_FILE]) {
    const path = join(resolve(dir), name);
    const bytes = await readIfFile(path);
    if (bytes === undefined) continue;
    if (bytes === "not a file") notFiles.push(path);
    else if (name === MANIFEST_FILE ? !manifest : manifest?.files[name] !== sha256(bytes)) foreign.push(path);
  }
  if (notFiles.length > 0)
    throw new ConfigError(
      `cannot export: ${notFiles.join(", ")} ${notFiles.length === 1 ? "is a folder, not a file" : "are folders, not files"}; choose another --out`,
    );
  if (foreign.length > 0 && !force)
    throw new ConfigError(
      `the export would overwrite ${foreign.join(", ")}, which no earlier export wrote (or which changed since); ` +
        "nothing was written: choose an empty folder with --out, or pass --force to overwrite them",
    );
}

/**
 * Removes a file an earlier export wrote and that no config describes any more, if it is unchanged since. A
 * file changed by hand stays.
 */
export async function removeIfOwned(
  dir: string,
  name: string,
  manifest: Manifest,
): Promise<"removed" | "absent" | "changed"> {
  const path = join(dir, name);
  try {
    const stats = await lstat(path);
    if (!stats.isFile() || manifest.files[name] !== sha256(await readFile(path))) return "changed";
  } catch (err) {
    if (code(err) === "ENOENT" || code(err) === "ENOTDIR") return "absent";
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  await rm(path, { force: true });
  return "removed";
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
