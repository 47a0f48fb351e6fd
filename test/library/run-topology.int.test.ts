import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTopology } from "../../api/run-topology.ts";
import { TopologyError } from "../../config/load.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { writeTestTopology } from "../support/run-topology.ts";

const issueAt = (path: string) => ({ path, message: expect.any(String), hint: expect.any(String) });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nanoflux-run-topology-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runTopology", () => {
  it("rejects a bad topology with its field paths, through result and through events alike", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "models: []\nagents: [{ type: scheduler }]\ncuration: { target: -1 }\n");
    const run = runTopology(file, { outDir: join(dir, "runs") });
    const seen: RunEvent[] = [];
    const reading = (async () => {
      for await (const event of run.events) seen.push(event);
    })();
    await expect(reading).rejects.toBeInstanceOf(TopologyError);
    const error = await run.result.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TopologyError);
    expect(error).toMatchObject({ issues: expect.arrayContaining([issueAt("curation.target")]) });
    expect(seen).toEqual([]);
  });

  it("stops a run whose signal is already aborted: interrupted, nothing accepted", async () => {
    const { file, dir: runs } = await writeTestTopology({ target: 5 });
    const run = runTopology(file, { outDir: runs, signal: AbortSignal.abort() });
    const outcome = await run.result;
    expect(outcome.report.status).toBe("interrupted");
    expect(outcome.samples).toEqual([]);
    await rm(runs, { recursive: true, force: true });
  });
});
