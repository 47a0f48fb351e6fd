import { createHash } from "node:crypto";
import { lstat, readFile, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { writableFolderProblem } from "../../config/path-checks.ts";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { CARD_FILE, dataFile, EXPORT_FILE_NAMES, ExportFormat, SplitName, splitFiles } from "./formats.ts";

/**
 * An export overwrites only what an earlier export wrote. Each export lists the files it wrote, with the sha256
 * of their contents, in a manifest beside them; a later export may replace (or remove) a file only while its
 * content still matches that hash. Any other file at a target path (a project's README.md, a file edited
 * since) stops the export before it writes anything, unless the user says --force. The manifest also keeps
 * what the dataset card needs to describe every config in the folder, whichever export wrote it.
 *
 * A manifest is read as untrusted input (an export folder downloaded from the Hub carries one): it may name
 * only files an export writes (`EXPORT_FILE_NAMES`), inside the folder, not through a link; any other name
 * refuses the whole manifest before anything is written or removed.
 *
 * An export writes the manifest first, listing the hashes of the files it is about to write under `writing`,
 * and again when it is done: an export that stops part way leaves files that are still its own.
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
  /** File (relative) -> sha256 of what the export that finished last wrote there. */
  files: z.record(z.string(), z.string()),
  dataset: ExportedDataset.optional(),
  configs: z.record(z.string(), ExportedConfig).default({}),
  /** File -> sha256 of what an export that had not finished was writing there: those contents are ours too. */
  writing: z.record(z.string(), z.array(z.string())).default({}),
});
export type Manifest = z.infer<typeof Manifest>;

/** What the first export layout wrote (one file per format beside the card), as a version-1 manifest names it. */
const LEGACY_FILE_NAMES: ReadonlySet<string> = new Set([
  CARD_FILE,
  ...ExportFormat.options.map((format) =>
    format === "parquet" ? "dataset.parquet" : `dataset.${format}.jsonl`,
  ),
]);

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

/** Whether the manifest says the export wrote these bytes at `name`. */
function owns(manifest: Manifest, name: string, bytes: Uint8Array): boolean {
  const hash = sha256(bytes);
  return manifest.files[name] === hash || (manifest.writing[name]?.includes(hash) ?? false);
}

/** Each name the manifest gives, with what it says of it (for the error). */
function listedNames(manifest: Manifest): { name: string; as: string; allowed: ReadonlySet<string> }[] {
  const files = Object.keys(manifest.files).map((name) => ({ name, as: "", allowed: EXPORT_FILE_NAMES }));
  const writing = Object.keys(manifest.writing).map((name) => ({ name, as: "", allowed: EXPORT_FILE_NAMES }));
  const configs = Object.entries(manifest.configs).flatMap(([key, config]) =>
    config.splits.flatMap((split) => {
      const own = splitFiles(config.format, split.name);
      // The card's data_files name the first: it must be the split's Parquet file.
      const first = new Set([dataFile(config.format, split.name, "parquet")]);
      return split.files.map((name, i) => ({
        name,
        as: ` as a file of the ${key} config's ${split.name} split`,
        allowed: key !== config.format ? new Set<string>() : i === 0 ? first : new Set(own),
      }));
    }),
  );
  return [...files, ...writing, ...configs];
}

/** Why `name`, which the manifest lists, does not resolve to a file inside `dir`; undefined when it does. */
async function linkOnTheWay(dir: string, name: string): Promise<string | undefined> {
  const folder = dirname(name);
  for (const path of [...(folder === "." ? [] : [join(dir, folder)]), join(dir, name)]) {
    try {
      if ((await lstat(path)).isSymbolicLink()) return `${path} is a link, which may lead out of the folder`;
    } catch (err) {
      if (code(err) === "ENOENT" || code(err) === "ENOTDIR") return undefined;
      throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  return undefined;
}

/**
 * Refuses a manifest that names anything but a file an export writes, inside the folder: a name with `..`, an
 * absolute path, a file of another layout, a config's file that is not its own, or a path through a link.
 */
async function assertOwnNames(dir: string, manifest: Manifest, legacy: boolean): Promise<void> {
  const path = join(resolve(dir), MANIFEST_FILE);
  const refuse = (why: string) =>
    new ConfigError(
      `${path} ${why}; nothing was written or removed: if this folder was not made by nanoflux export (a folder ` +
        `downloaded from elsewhere may carry this file), delete ${path} and export again (files already there then ` +
        "need --force), or choose another --out",
    );
  for (const { name, as, allowed } of listedNames(manifest)) {
    const ok = allowed.has(name) || (legacy && as === "" && LEGACY_FILE_NAMES.has(name));
    if (!ok)
      throw refuse(
        `lists ${JSON.stringify(name)}${as}, which is not a file an export writes there (README.md, or ` +
          "<format>/<split>.parquet or .jsonl of that format, inside the export folder)",
      );
    const link = await linkOnTheWay(resolve(dir), name);
    if (link) throw refuse(`lists ${JSON.stringify(name)}, but ${link}`);
  }
}

/**
 * The folder's manifest; undefined when there is none or the file there is not one of ours. A ConfigError
 * when it names a file no export writes there (see `assertOwnNames`).
 */
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
  // An export before configs were recorded: its files are still ours.
  const v1 = v2.success ? undefined : ManifestV1.safeParse(json);
  const manifest: Manifest | undefined = v2.success
    ? v2.data
    : v1?.success
      ? { version: 2, files: v1.data.files, configs: {}, writing: {} }
      : undefined;
  if (manifest) await assertOwnNames(dir, manifest, !v2.success);
  return manifest;
}

/**
 * Why an earlier config no longer describes the files in the folder (one missing, or changed since its export
 * wrote it); undefined when every file of it is as written.
 */
export async function staleConfigProblem(
  dir: string,
  config: ExportedConfig,
  manifest: Manifest,
): Promise<string | undefined> {
  for (const name of config.splits.flatMap((split) => split.files)) {
    const bytes = await readIfFile(join(dir, name));
    if (bytes === undefined) return `${join(dir, name)} is missing`;
    if (bytes === "not a file" || manifest.files[name] !== sha256(bytes))
      return `${join(dir, name)} changed since it was written`;
  }
  return undefined;
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
    else if (name === MANIFEST_FILE ? !manifest : !(manifest && owns(manifest, name, bytes)))
      foreign.push(path);
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
 * file changed by hand stays, and so does anything that is not an export's file inside the folder (the
 * manifest was checked when read; this holds whoever calls it).
 */
export async function removeIfOwned(
  dir: string,
  name: string,
  manifest: Manifest,
): Promise<"removed" | "absent" | "changed"> {
  if (!(EXPORT_FILE_NAMES.has(name) || LEGACY_FILE_NAMES.has(name))) return "changed";
  if (await linkOnTheWay(dir, name)) return "changed";
  const path = join(dir, name);
  try {
    const stats = await lstat(path);
    if (!stats.isFile() || !owns(manifest, name, await readFile(path))) return "changed";
  } catch (err) {
    if (code(err) === "ENOENT" || code(err) === "ENOTDIR") return "absent";
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  await rm(path, { force: true });
  return "removed";
}

/** How a file is written whole: `writeFileAtomic`, or a test's stand-in that fails part way. */
export type WriteFile = (path: string, data: string | Uint8Array) => Promise<void>;

export async function writeManifest(
  dir: string,
  manifest: Manifest,
  write: WriteFile = writeFileAtomic,
): Promise<void> {
  await write(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
