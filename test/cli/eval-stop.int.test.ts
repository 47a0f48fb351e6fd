import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { waitFor } from "../support/nats.ts";

/** `eval` stopped by SIGTERM while its model calls hang: a stop asked for, not a fault. */
describe("nanoflux eval stopped by a signal", () => {
  let sim: Simulator;
  let work: string;
  beforeAll(async () => {
    sim = await startSimulator(
      SimulatorConfig.parse({
        seed: 1,
        latencyMs: 60_000,
        models: [{ name: "sim-slow", skill: 0.8 }],
        benchmarks: [join(defaultBenchmarksDir(), "gsm8k-test.jsonl")],
      }),
      { logger: silentLogger() },
    );
    work = await mkdtemp(join(tmpdir(), "nanoflux-eval-stop-"));
  });
  afterAll(async () => {
    await sim?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("exits with 143 and says it was stopped, not that something went wrong", async () => {
    const child = spawnNanoflux(
      ["eval", "--model", "sim-slow", "--base-url", sim.url, "--benchmark", "gsm8k", "--limit", "4"],
      { NANOFLUX_DRAIN_MS: "3000" },
      { cwd: work },
    );
    try {
      await waitFor(
        async () => (sim.stats().byRoute["POST /v1/chat/completions"] ?? 0) > 0,
        60_000,
        "a request",
      );
      child.kill("SIGTERM");
      expect(await exited(child), child.output()).toBe(143);
      expect(child.output()).toContain("stopped by SIGTERM");
      expect(child.output()).not.toMatch(/unexpected error/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
