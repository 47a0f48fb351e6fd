import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import type { UsageRecorded } from "../../protocol/messages.ts";
import { Sample } from "../../protocol/schemas.ts";
import { SIM_URL_ENV } from "../../runner/prepare-topology.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/**
 * A generation run with `responseCache.enabled`. Its answers are its own: another run, even with the same seed
 * (whose round ids r000001... repeat in every run), buys its own answers rather than replaying the first run's
 * and duplicating its samples. The same run id asking again (what a resume does for the rounds it redoes) pays
 * for nothing it already bought, keeps true books (cached records bill nothing) and spends none of its budget
 * on cached answers. With the cache off, nothing is written.
 *
 * One simulator serves every run of a test: a restarted one describes its models anew (its start time), which
 * rightly keys its answers apart, as new weights behind the same name would be.
 */

async function setInTopology(
  file: string,
  change: (topology: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
  const topology = z.record(z.string(), z.unknown()).parse(parse(await readFile(file, "utf8")));
  change(topology);
  await writeFile(file, stringify(topology));
  return topology;
}

async function cacheFiles(dir: string): Promise<number> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(".json")).length;
}

function chatRequests(sim: Simulator): number {
  return Object.entries(sim.stats().byRoute)
    .filter(([route]) => route.includes("chat"))
    .reduce((n, [, count]) => n + count, 0);
}

async function questionsIn(datasetPath: string): Promise<string[]> {
  const lines = (await readFile(datasetPath, "utf8")).split("\n").filter(Boolean);
  return lines.map((line) => Sample.parse(JSON.parse(line)).question.text);
}

describe("a generation run with the response cache", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  /** One run of the topology against `sim` (started by the test, so it outlives each run). */
  async function runOnce(file: string, sim: Simulator, runId: string) {
    const env = { ...process.env, [SIM_URL_ENV]: sim.url };
    const prepared = await prepareTopology(file, {}, silentLogger(), env);
    const before = chatRequests(sim);
    const result = await runSession({ prepared, logger: silentLogger(), runId });
    return { ...result, chat: chatRequests(sim) - before };
  }

  it("another run buys its own answers; the same run asking again pays for nothing twice, even under a budget", async () => {
    const { file, dir } = await writeTestTopology({
      target: 4,
      natsUrl: nats.url,
      concurrency: 1,
      modelSettings: { maxTokens: 512, price: { inputPerMTok: 1, outputPerMTok: 4 } },
    });
    const cacheDir = join(dir, "cache");
    const topology = await setInTopology(file, (t) => {
      t.responseCache = { enabled: true, dir: cacheDir };
    });
    const sim = await startSimulator(SimulatorConfig.parse(topology.simulator), { logger: silentLogger() });
    const fresh = await startTestNats();
    try {
      const first = await runOnce(file, sim, "cache-first");
      expect(first.report.status).toBe("target_reached");
      expect(first.chat).toBeGreaterThan(0);
      expect(first.report.cachedCalls).toBeUndefined();
      const kept = await cacheFiles(cacheDir);
      expect(kept).toBeGreaterThan(0);

      // Same seed, same endpoint, another run id: nothing replayed, every answer bought, samples of its own.
      const other = await runOnce(file, sim, "cache-other");
      expect(other.report.status).toBe("target_reached");
      expect(other.chat).toBeGreaterThan(0);
      expect(other.report.cachedCalls).toBeUndefined();
      expect(await cacheFiles(cacheDir)).toBeGreaterThan(kept);
      expect(await questionsIn(other.datasetPath)).not.toEqual(await questionsIn(first.datasetPath));

      // The first run's id again, from a fresh stream and runs folder (so every round is redone, as a resume
      // redoes the rounds it lost), under a budget of half what it cost: only if no cached answer counts does it
      // finish.
      const budget = Math.floor(first.report.totalTokens / 2);
      expect(budget).toBeGreaterThan(4 * 512);
      await setInTopology(file, (t) => {
        const run = z.record(z.string(), z.unknown()).parse(t.run);
        t.run = { ...run, budget: { tokens: budget }, outDir: join(dir, "runs-again") };
        t.nats = { url: fresh.url };
      });
      const again = await runOnce(file, sim, "cache-first");
      expect(again.chat).toBe(0);
      expect(again.report.status).toBe("target_reached");
      expect(again.report.accepted).toBe(first.report.accepted);
      expect(again.report.totalTokens).toBe(0);
      expect(again.report.totalCostUsd ?? 0).toBe(0);
      const paidCalls = first.report.usage.reduce((n, u) => n + u.calls, 0);
      expect(again.report.cachedCalls).toBe(paidCalls);
      expect(again.report.savedTokens).toBe(first.report.totalTokens);
      expect(again.report.usage.every((u) => u.calls === 0)).toBe(true);
      expect(await questionsIn(again.datasetPath)).toEqual(await questionsIn(first.datasetPath));
      // On the stream: one record per cached answer, billing nothing and saying what it saved.
      const usage = (await runEvents(fresh.url, "cache-first")).filter(
        (e): e is UsageRecorded => e.type === "usage.recorded.v1",
      );
      expect(usage).toHaveLength(paidCalls);
      for (const record of usage) {
        expect(record).toMatchObject({ promptTokens: 0, completionTokens: 0, costUsd: 0 });
        expect(record.cached?.promptTokens).toBeGreaterThan(0);
        expect(record.roundId).toMatch(/^r\d+$/);
      }
    } finally {
      await sim.close();
      await fresh.cleanup();
    }
  });

  it("writes nothing and answers nothing from a cache when the topology leaves it off", async () => {
    const { file, dir } = await writeTestTopology({ target: 2, natsUrl: nats.url, concurrency: 2 });
    const cacheDir = join(dir, "cache");
    await setInTopology(file, (t) => {
      t.responseCache = { enabled: false, dir: cacheDir };
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    const run = await runSession({ prepared, logger: silentLogger(), runId: "cache-off" }).finally(() =>
      prepared.simulator?.close(),
    );
    expect(run.report.status).toBe("target_reached");
    expect(run.report.cachedCalls).toBeUndefined();
    expect(await cacheFiles(cacheDir)).toBe(0);
  });
});
