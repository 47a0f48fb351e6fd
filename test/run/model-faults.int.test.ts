import { describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RoundClosed } from "../../protocol/messages.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { expectEveryRoundClosedOnce, expectTargetMet, runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

describe("runs survive misbehaving models", () => {
  it("a model that only returns invalid JSON fails its rounds with the reason, and the run goes on", async () => {
    const nats = await startTestNats();
    const { file } = await writeTestTopology({
      target: 6,
      natsUrl: nats.url,
      extraModels: [{ id: "broken", name: "sim-broken", skill: 0.8, rateMalformed: 1 }],
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const result = await runSession({ prepared, logger: silentLogger() });
      expect(result.report.status).toBe("target_reached");
      expectTargetMet(result.report.accepted, 6, 4);
      const events = await runEvents(nats.url, result.runId);
      expectEveryRoundClosedOnce(events);
      const closed = events.filter((e): e is RoundClosed => e.type === "round.closed.v1");
      const brokenRounds = closed.filter((c) => c.spec.attacker === "broken" || c.spec.defender === "broken");
      // Some of its replies are prose around valid JSON, which the client recovers; the rest fail their round.
      const failed = brokenRounds.filter((r) => r.status === "failed");
      expect(failed.length).toBeGreaterThan(0);
      for (const round of failed) {
        expect(round.reasonCode).toBe("model_error");
        expect(round.reason).toMatch(/model broken gave no usable/);
      }
      expect(closed.filter((c) => c.status === "failed").every((c) => brokenRounds.includes(c))).toBe(true);
    } finally {
      await prepared.simulator?.close();
      await nats.cleanup();
    }
  });

  it("finishes with the simulator at 20% mixed faults (429, 500, timeouts, malformed JSON)", async () => {
    const nats = await startTestNats();
    const { file } = await writeTestTopology({
      target: 6,
      natsUrl: nats.url,
      simulator: { faults: { rate429: 0.05, rate500: 0.05, rateTimeout: 0.05, rateMalformed: 0.05 } },
      modelSettings: { timeoutMs: 1000, maxRetries: 4 },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const result = await runSession({ prepared, logger: silentLogger() });
      expect(result.report.status).toBe("target_reached");
      expectTargetMet(result.report.accepted, 6, 4);
      const faults = prepared.simulator?.stats().faults;
      expect(faults?.rate_limit).toBeGreaterThan(0);
      expect(faults?.server_error).toBeGreaterThan(0);
      expect(faults?.timeout).toBeGreaterThan(0);
      expect(faults?.malformed).toBeGreaterThan(0);
      expectEveryRoundClosedOnce(await runEvents(nats.url, result.runId));
      expect(
        result.report.accepted + result.report.rejected + result.report.failed + result.report.cancelled,
      ).toBe(result.report.rounds);
    } finally {
      await prepared.simulator?.close();
      await nats.cleanup();
    }
  });
});
