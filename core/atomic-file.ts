import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { SystemError } from "../protocol/errors.ts";

/** Writes a file whole or not at all: readers see the old file or the new one, never half of one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new SystemError(
      `cannot write ${path}: ${(err as Error).message}; check the folder exists and is writable`,
      {
        cause: err,
      },
    );
  }
}
