import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { RunProvenance } from "../../protocol/messages.ts";

/**
 * What made a dataset, beyond its topology: the NanoFlux version and a content hash of each domain pack's files
 * (prompts/<domain>/: pack.yaml and the role templates). The scheduler records both in `run.started`; the
 * export puts them on the dataset card.
 */

const PACKAGE_JSON = new URL("../../package.json", import.meta.url);
const PackageJson = z.object({ version: z.string() });

let version: Promise<string> | undefined;

/** NanoFlux's version, from its package.json (the built library carries one of its own); a failure is not kept. */
export function nanofluxVersion(): Promise<string> {
  version ??= readFile(PACKAGE_JSON, "utf8")
    .then((text) => PackageJson.parse(JSON.parse(text)).version)
    .catch((err: unknown) => {
      version = undefined;
      throw err;
    });
  return version;
}

/**
 * sha256 over a pack folder's files (name and content of each, in name order): the same files give the same
 * hash on any machine, and any edit to a prompt or to pack.yaml changes it.
 */
export async function promptPackHash(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  const hash = createHash("sha256");
  for (const name of files) {
    hash.update(`${name}\0`);
    hash.update(await readFile(join(dir, name)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** The provenance of a run over these domain packs, as `run.started` records it. */
export async function runProvenance(
  packs: readonly { readonly name: string; readonly dir: string }[],
): Promise<RunProvenance> {
  return {
    nanofluxVersion: await nanofluxVersion(),
    promptPacks: await Promise.all(
      packs.map(async (pack) => ({ domain: pack.name, sha256: await promptPackHash(pack.dir) })),
    ),
  };
}
