import { constants, type Stats } from "node:fs";
import { access, stat, statfs } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/**
 * Checks of paths a command will write to or read from, made before anything is written or started. They only
 * look: nothing is created, opened for writing or imported. Each returns a problem in words, or undefined.
 */

/** Filesystems that hold no files of ours (the kernel's views): statfs type numbers, as in linux/magic.h. */
const PSEUDO_FILESYSTEMS = new Map([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"],
]);

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** The path itself, or the nearest of its ancestors that exists, with what it is. */
async function nearestExisting(path: string): Promise<{ path: string; stats: Stats }> {
  for (let current = path; ; current = dirname(current)) {
    try {
      return { path: current, stats: await stat(current) };
    } catch (err) {
      // ENOTDIR: a file stands somewhere above; the walk up reaches it.
      if ((code(err) !== "ENOENT" && code(err) !== "ENOTDIR") || dirname(current) === current) throw err;
    }
  }
}

/**
 * Why a folder could not be used to write into (it, or the nearest ancestor a run would create it under, must
 * be a writable folder on a real filesystem), or undefined when it can.
 */
export async function writableFolderProblem(path: string): Promise<string | undefined> {
  const absolute = resolve(path);
  let existing: { path: string; stats: Stats };
  try {
    existing = await nearestExisting(absolute);
  } catch (err) {
    return `${absolute} cannot be reached (${code(err) ?? (err as Error).message})`;
  }
  const where = existing.path === absolute ? absolute : `${existing.path}, above ${absolute},`;
  if (!existing.stats.isDirectory()) return `${where} is a file, not a folder`;
  try {
    await access(existing.path, constants.W_OK);
  } catch {
    return `${where} is not writable`;
  }
  const filesystem = PSEUDO_FILESYSTEMS.get((await statfs(existing.path)).type);
  if (filesystem) return `${where} is on the kernel's ${filesystem} filesystem, which cannot hold files`;
  return undefined;
}

/** Why a file could not be read (it must be a readable regular file), or undefined when it can. */
export async function readableFileProblem(path: string): Promise<string | undefined> {
  const absolute = resolve(path);
  let stats: Stats;
  try {
    stats = await stat(absolute);
  } catch (err) {
    return code(err) === "ENOENT" || code(err) === "ENOTDIR"
      ? `${absolute} does not exist`
      : `${absolute} cannot be reached (${code(err) ?? (err as Error).message})`;
  }
  if (stats.isDirectory()) return `${absolute} is a folder, not a file`;
  if (!stats.isFile()) return `${absolute} is not a regular file`;
  try {
    await access(absolute, constants.R_OK);
  } catch {
    return `${absolute} is not readable`;
  }
  return undefined;
}
