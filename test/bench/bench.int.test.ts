import { describe, expect, it } from "vitest";
import { measureBus } from "../../bench/bus-throughput.ts";
import { benchBoard } from "../../bench/dashboard-board.ts";
import { measureEarlyGate } from "../../bench/early-gate.ts";
import { measureEconomy } from "../../bench/economy.ts";
import { measureOrchestration } from "../../bench/orchestration.ts";
import { measureSandbox } from "../../bench/sandbox.ts";
import { measureUtilisation } from "../../bench/utilisation.ts";

// Smoke tests: each benchmark runs end to end with tiny parameters and accounts for what it did. The numbers
// themselves are not checked: on a shared machine they say nothing at this size.

describe("benchmark scripts", () => {
  it("dashboard board: folds every event and answers snapshots and filtered lists", () => {
    const result = benchBoard({ rounds: 40, reviews: 6, repeats: 2 });
    expect(result.events).toBeGreaterThan(40 * 5);
    expect(result.snapshotMs).toBeGreaterThan(0);
    expect(result.searchMs).toBeGreaterThan(0);
  });

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
      expect(run.accepted).toBeGreaterThanOrEqual(3);
      expect(run.accepted).toBeLessThan(3 + 2);
      expect(run.tokens).toBeGreaterThan(0);
    }
  });

  it("economy: each scenario reports its spending, and the books match what the simulator billed", async () => {
    const runs = await measureEconomy({ budget: 8000, target: 2 });
    expect(runs.map((r) => r.scenario)).toEqual(["demo", "tournament-3", "faulty"]);
    for (const run of runs) {
      expect(run.billedOverReported).toBe(1);
      expect(run.wastedShare).toBeGreaterThanOrEqual(0);
    }
    expect(runs.find((r) => r.scenario === "faulty")?.budgetOvershoot).toBeLessThanOrEqual(0);
  });

  it("bus throughput: every event is delivered over JetStream and over core NATS", async () => {
    const result = await measureBus({ events: 50, publishers: 4, consumers: 4, trials: 1 });
    expect(result.runs.map((r) => r.contender).sort()).toEqual(["core", "jetstream"]);
    expect(result.payloadBytes).toBeGreaterThan(4000);
    expect(result.ratio).toBeGreaterThan(0);
  });

  it("sandbox: every call, alone, concurrent or beside runaways, prints its true result", async () => {
    const result = await measureSandbox({
      calls: 4,
      concurrency: 2,
      runaways: 1,
      trials: 1,
      baseline: false,
    });
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]?.correct).toBe(true);
  });
});
