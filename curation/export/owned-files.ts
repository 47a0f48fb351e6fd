import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { writableFolderProblem } from "../../config/path-checks.ts";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { ConfigError } from "../../protocol/errors.ts";

/**
 * An export overwrites only what an earlier export wrote. Each export lists the files it wrote, with the sha256
 * of their contents, in a manifest beside them; a later export may replace a file only while its content still
 * matches that hash. Any other file at a target path (a project's README.md, a file edited since) stops the
 * export before it writes anything, unless the user says --force.
 */

export const MANIFEST_FILE = ".nanoflux-export.json";

const Manifest = z.object({ version: z.literal(1), files: z.record(z.string(), z.string()) });
type Manifest = z.infer<typeof Manifest>;

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A file's bytes; undefined when nothing is there, "not a file" for a folder or other non-file. */
async function readIfFile(path: string): Promise<Buffer | "not a file" | undefined> {
  try {
    if (!(await stat(path)).isFile()) return "not a file";
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The folder's manifest; undefined when there is none or the file there is not one of ours. */
async function readManifest(dir: string): Promise<Manifest | undefined> {
  const bytes = await readIfFile(join(dir, MANIFEST_FILE));
  if (!(bytes instanceof Buffer)) return undefined;
  try {
    return Manifest.parse(JSON.parse(bytes.toString("utf8")));
  } catch {
    return undefined;
  }
}

/**
 * Checks, before anything is written, that the export may write `names` into `dir`: the folder can be written
 * (or created), and each existing file there is one an earlier export wrote and nobody changed since, or
 * `force` is set. Creates nothing; throws a ConfigError naming every file in the way and the fix.
 */
export async function assertMayWrite(dir: string, names: readonly string[], force: boolean): Promise<void> {
  const problem = await writableFolderProblem(dir);
  if (problem) throw new ConfigError(`cannot export into ${resolve(dir)}: ${problem}; choose another --out`);
  const manifest = await readManifest(dir);
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

/** Records the files just written (with their contents' hashes) so that a later export may replace them. */
export async function recordWritten(dir: string, names: readonly string[]): Promise<void> {
  const files = { ...(await readManifest(dir))?.files };
  for (const name of names) files[name] = sha256(await readFile(join(dir, name)));
  const manifest: Manifest = { version: 1, files };
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
