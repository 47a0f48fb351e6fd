import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RoundClosed, UsageRecorded } from "../../protocol/messages.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { expectEveryRoundClosedOnce, runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/** Every round that got a valid verdict in the kept band ended with its sample kept: paid work is never dropped. */
function expectJudgedGoodRoundsKept(closed: RoundClosed[]): void {
  for (const round of closed) {
    if (round.verdict?.valid)
      expect([round.spec.roundId, round.status]).toEqual([round.spec.roundId, "accepted"]);
  }
}

describe("every token counted, none wasted", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it("against an endpoint that garbles and fails most replies, reports what it billed and keeps within budget", async () => {
    const budget = 30_000;
    const { file } = await writeTestTopology({
      target: 200,
      natsUrl: nats.url,
      concurrency: 6,
      // Most replies unusable (refusals, truncations, schema violations) and one call in five a 500 that bills
      // the prompt it read.
      simulator: { faults: { rate429: 0, rate500: 0.2, rateTimeout: 0, rateMalformed: 0.6 } },
      modelSettings: { maxRetries: 3, maxTokens: 512 },
      run: { budget: { tokens: budget }, modelAttempts: 2 },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report, runId } = await runSession({ prepared, logger: silentLogger() });
      const stats = prepared.simulator?.stats();
      const billed = (stats?.tokens.prompt ?? 0) + (stats?.tokens.completion ?? 0);
      expect(stats?.faults.malformed).toBeGreaterThan(10);
      expect(stats?.faults.server_error).toBeGreaterThan(0);
      // True books: every token the endpoint billed, garbage and failures included, is in the report.
      expect(report.totalTokens).toBe(billed);
      expect(report.roundLedger.reduce((n, r) => n + r.tokens, 0) + report.unroundedTokens).toBe(billed);
      // A hard budget: every call reserved its worst case before it was sent.
      expect(report.status).toBe("budget");
      expect(report.totalTokens).toBeLessThanOrEqual(budget);
      const events = await runEvents(nats.url, runId);
      expectEveryRoundClosedOnce(events);
      const usage = events.filter((e): e is UsageRecorded => e.type === "usage.recorded.v1");
      expect(usage.every((u) => u.roundId !== undefined)).toBe(true);
      expectJudgedGoodRoundsKept(events.filter((e): e is RoundClosed => e.type === "round.closed.v1"));
    } finally {
      await prepared.simulator?.close();
    }
  });

  it("keeps every good sample judged after the target was reached, and wastes nothing on a clean endpoint", async () => {
    const { file } = await writeTestTopology({ target: 3, natsUrl: nats.url, concurrency: 8 });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report, runId } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("target_reached");
      expect(report.accepted).toBeGreaterThanOrEqual(3);
      expect(report.cancelled).toBe(0);
      expect(report.byReason.target_reached).toBeUndefined();
      expect(report.wastedTokens).toBe(0);
      const closed = (await runEvents(nats.url, runId)).filter(
        (e): e is RoundClosed => e.type === "round.closed.v1",
      );
      expectJudgedGoodRoundsKept(closed);
    } finally {
      await prepared.simulator?.close();
    }
  });
});
