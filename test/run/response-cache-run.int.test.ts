import { readdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import type { UsageRecorded } from "../../protocol/messages.ts";
import { Sample } from "../../protocol/schemas.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/**
 * A generation run with `responseCache.enabled`, run again with the same seed against the same endpoint: the
 * second run buys no model answer the first one bought, keeps true books (cached records bill nothing), and
 * spends none of its budget on cached answers. With the cache off, nothing is written.
 */

/** A port the OS just handed out and took back: the simulator of both runs listens there, one after the other. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function setInTopology(
  file: string,
  change: (topology: Record<string, unknown>) => void,
): Promise<void> {
  const topology = z.record(z.string(), z.unknown()).parse(parse(await readFile(file, "utf8")));
  change(topology);
  await writeFile(file, stringify(topology));
}

async function cacheFiles(dir: string): Promise<number> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(".json")).length;
}

function chatRequests(stats: { byRoute: Record<string, number> } | undefined): number {
  return Object.entries(stats?.byRoute ?? {})
    .filter(([route]) => route.includes("chat"))
    .reduce((n, [, count]) => n + count, 0);
}

describe("a generation run with the response cache", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  async function runOnce(file: string, runId: string) {
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const result = await runSession({ prepared, logger: silentLogger(), runId });
      return { ...result, chat: chatRequests(prepared.simulator?.stats()) };
    } finally {
      await prepared.simulator?.close();
    }
  }

  it("re-run with the same seed pays for nothing twice, even under a budget it could not otherwise meet", async () => {
    const port = await freePort();
    const { file, dir } = await writeTestTopology({
      target: 4,
      natsUrl: nats.url,
      concurrency: 1,
      simulator: { port },
      modelSettings: { maxTokens: 512, price: { inputPerMTok: 1, outputPerMTok: 4 } },
    });
    const cacheDir = join(dir, "cache");
    await setInTopology(file, (t) => {
      t.responseCache = { enabled: true, dir: cacheDir };
    });
    const first = await runOnce(file, "cache-first");
    expect(first.report.status).toBe("target_reached");
    expect(first.chat).toBeGreaterThan(0);
    expect(first.report.cachedCalls).toBeUndefined();
    expect(await cacheFiles(cacheDir)).toBeGreaterThan(0);

    // The same run again under a budget of half what it cost: only if no cached answer counts does it finish.
    const budget = Math.floor(first.report.totalTokens / 2);
    expect(budget).toBeGreaterThan(4 * 512);
    await setInTopology(file, (t) => {
      t.run = { ...z.record(z.string(), z.unknown()).parse(t.run), budget: { tokens: budget } };
    });
    const second = await runOnce(file, "cache-second");
    expect(second.chat).toBe(0);
    expect(second.report.status).toBe("target_reached");
    expect(second.report.accepted).toBe(first.report.accepted);
    expect(second.report.totalTokens).toBe(0);
    expect(second.report.totalCostUsd ?? 0).toBe(0);
    const paidCalls = first.report.usage.reduce((n, u) => n + u.calls, 0);
    expect(second.report.cachedCalls).toBe(paidCalls);
    expect(second.report.savedTokens).toBe(first.report.totalTokens);
    expect(second.report.usage.every((u) => u.calls === 0)).toBe(true);
    const firstSamples = (await readFile(first.datasetPath, "utf8")).split("\n").filter(Boolean);
    const secondSamples = (await readFile(second.datasetPath, "utf8")).split("\n").filter(Boolean);
    const questions = (lines: string[]) => lines.map((l) => Sample.parse(JSON.parse(l)).question);
    expect(questions(secondSamples)).toEqual(questions(firstSamples));
    // On the stream: one record per cached answer, billing nothing and saying what it saved.
    const usage = (await runEvents(nats.url, "cache-second")).filter(
      (e): e is UsageRecorded => e.type === "usage.recorded.v1",
    );
    expect(usage).toHaveLength(paidCalls);
    for (const record of usage) {
      expect(record).toMatchObject({ promptTokens: 0, completionTokens: 0, costUsd: 0 });
      expect(record.cached?.promptTokens).toBeGreaterThan(0);
      expect(record.roundId).toMatch(/^r\d+$/);
    }
  });

  it("writes nothing and answers nothing from a cache when the topology leaves it off", async () => {
    const { file, dir } = await writeTestTopology({ target: 2, natsUrl: nats.url, concurrency: 2 });
    const cacheDir = join(dir, "cache");
    await setInTopology(file, (t) => {
      t.responseCache = { enabled: false, dir: cacheDir };
    });
    const run = await runOnce(file, "cache-off");
    expect(run.report.status).toBe("target_reached");
    expect(run.report.cachedCalls).toBeUndefined();
    expect(await cacheFiles(cacheDir)).toBe(0);
  });
});
