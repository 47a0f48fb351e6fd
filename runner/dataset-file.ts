import { appendFile, writeFile } from "node:fs/promises";
import { writeFileAtomic } from "../core/atomic-file.ts";
import type { Sample } from "../protocol/schemas.ts";

/**
 * The run's dataset file: samples appended as they are accepted, rewritten in order when the run ends. It is
 * rebuilt from the run's stream, so a resumed run starts it empty and replays every accepted sample.
 */
export class DatasetFile {
  private readonly written = new Set<string>();
  private constructor(readonly path: string) {}

  static async create(path: string): Promise<DatasetFile> {
    await writeFile(path, "");
    return new DatasetFile(path);
  }

  async append(sample: Sample): Promise<void> {
    if (this.written.has(sample.roundId)) return;
    this.written.add(sample.roundId);
    await appendFile(this.path, `${JSON.stringify(sample)}\n`);
  }

  async finalize(samples: Sample[]): Promise<void> {
    await writeFileAtomic(this.path, samples.map((s) => `${JSON.stringify(s)}\n`).join(""));
  }
}
