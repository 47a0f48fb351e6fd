import { appendFile, rename, writeFile } from "node:fs/promises";
import type { Sample } from "../core/schemas.ts";

/** Writes a file whole or not at all: a crash mid-write leaves the previous version, never half a file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, path);
}

/** The run's dataset file: samples appended as they are accepted, rewritten in order when the run ends. */
export class DatasetFile {
  private readonly written = new Set<string>();
  constructor(readonly path: string) {}

  async append(sample: Sample): Promise<void> {
    if (this.written.has(sample.roundId)) return;
    this.written.add(sample.roundId);
    await appendFile(this.path, `${JSON.stringify(sample)}\n`);
  }

  async finalize(samples: Sample[]): Promise<void> {
    await writeFileAtomic(this.path, samples.map((s) => `${JSON.stringify(s)}\n`).join(""));
  }
}
