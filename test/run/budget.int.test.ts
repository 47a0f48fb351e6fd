import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dryRun } from "../../cli/dry-run.ts";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { Sample } from "../../protocol/schemas.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { expectEveryRoundClosedOnce, runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

const PRICE = { price: { inputPerMTok: 1, outputPerMTok: 4 } };

describe("cost control", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it("a token budget stops the run cleanly, within the budget, with a report and a valid partial dataset", async () => {
    const { file } = await writeTestTopology({
      target: 200,
      natsUrl: nats.url,
      modelSettings: { maxTokens: 1024 },
      run: { budget: { tokens: 20_000 } },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report, datasetPath, runId } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("budget");
      expect(report.reason).toMatch(/token budget of 20000 reached/);
      expect(report.accepted).toBeLessThan(200);
      // Every call reserved its worst case first, so the run stays within the budget, and opened only rounds it
      // could finish: at most the last call's reserve goes unspent for each round in flight.
      expect(report.totalTokens).toBeLessThanOrEqual(20_000);
      expect(report.totalTokens).toBeGreaterThan(20_000 / 2);
      expect(report.wastedShare).toBeLessThan(0.1);
      const lines = (await readFile(datasetPath, "utf8")).split("\n").filter(Boolean);
      expect(lines).toHaveLength(report.accepted);
      for (const line of lines) Sample.parse(JSON.parse(line));
      expectEveryRoundClosedOnce(await runEvents(nats.url, runId));
    } finally {
      await prepared.simulator?.close();
    }
  });

  it("a money budget uses the models' prices, and the ledger prices every round", async () => {
    const { file } = await writeTestTopology({
      target: 200,
      natsUrl: nats.url,
      modelSettings: { ...PRICE, maxTokens: 1024 },
      run: { budget: { usd: 0.05 } },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("budget");
      expect(report.totalCostUsd).toBeLessThanOrEqual(0.05);
      expect(report.totalCostUsd).toBeGreaterThan(0.025);
      expect(report.roundLedger).toHaveLength(report.rounds);
      const ledgerCost = report.roundLedger.reduce((n, r) => n + (r.costUsd ?? 0), 0);
      expect(ledgerCost).toBeCloseTo(report.totalCostUsd ?? 0, 9);
      expect(report.usage.every((u) => u.costUsd !== undefined)).toBe(true);
    } finally {
      await prepared.simulator?.close();
    }
  });

  it("--dry-run estimates a run's tokens and cost from a short simulated sample", async () => {
    const { file } = await writeTestTopology({ target: 40, modelSettings: PRICE });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const estimate = await dryRun(prepared, 8, silentLogger());
      expect(estimate.sampleRounds).toBe(8);
      expect(estimate.acceptanceRate).toBeGreaterThan(0);
      expect(estimate.estimatedRounds).toBe(Math.ceil(40 / estimate.acceptanceRate));
      const sampleTokens = estimate.sample.totalTokens;
      expect(estimate.estimatedTokens).toBeGreaterThan(sampleTokens);
      expect(estimate.estimatedCostUsd).toBeGreaterThan(0);
    } finally {
      await prepared.simulator?.close();
    }
  });
});
