import { describe, expect, it } from "vitest";
import { measureBus } from "../../bench/bus-throughput.ts";
import { measureEarlyGate } from "../../bench/early-gate.ts";
import { measureOrchestration } from "../../bench/orchestration.ts";
import { measureUtilisation } from "../../bench/utilisation.ts";

// Smoke tests: each benchmark runs end to end with tiny parameters and accounts for what it did. The numbers
// themselves are not checked: on a shared machine they say nothing at this size.

describe("benchmark scripts", () => {
  it("orchestration: the agent system and the plain loop play the same rounds", async () => {
    const result = await measureOrchestration({
      rounds: 8,
      concurrency: 2,
      trials: 1,
      endpointEmbedder: false,
    });
    expect(result.runs.map((r) => r.contender).sort()).toEqual(["plain", "system"]);
    for (const run of result.runs) {
      expect(run.rounds).toBe(8);
      expect(run.accepted + run.rejected + run.failed).toBe(8);
      expect(run.callsPerRound).toBeGreaterThan(0);
    }
    expect(result.ratio).toBeGreaterThan(0);
  });

  it("utilisation: counts calls per round against the ideal", async () => {
    const result = await measureUtilisation({
      concurrency: 2,
      inFlight: 3,
      rounds: 10,
      latency: 20,
      endpointEmbedder: true,
    });
    expect(result.callsPerRound).toBeGreaterThan(0);
    expect(result.peakInService).toBeLessThanOrEqual(2);
    expect(result.utilisation).toBeGreaterThan(0);
  });

  it("early gate: both variants reach the target on a workload with repeated questions", async () => {
    const result = await measureEarlyGate({ target: 3, share: 0.5, concurrency: 2, trials: 1 });
    expect(result.runs.map((r) => r.contender).sort()).toEqual(["gate", "no-gate"]);
    for (const run of result.runs) {
      expect(run.accepted).toBe(3);
      expect(run.tokens).toBeGreaterThan(0);
    }
  });

  it("bus throughput: every event is delivered over JetStream and over core NATS", async () => {
    const result = await measureBus({ events: 50, publishers: 4, consumers: 4, trials: 1 });
    expect(result.runs.map((r) => r.contender).sort()).toEqual(["core", "jetstream"]);
    expect(result.payloadBytes).toBeGreaterThan(4000);
    expect(result.ratio).toBeGreaterThan(0);
  });
});
