import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { runSession } from "../../runner/run-session.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { writeTestTopology } from "../support/run-topology.ts";

describe("nanoflux agent --every-run", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it("one defender process serves two runs one after the other, and stays for the next until told to stop", async () => {
    const { file } = await writeTestTopology({ target: 2, natsUrl: nats.url });
    const prepared = await prepareTopology(file, {}, silentLogger());
    // JSON log lines, so that a line's fields can be matched.
    const env = {
      NATS_URL: nats.url,
      NANOFLUX_SIM_URL: prepared.simulator?.url ?? "",
      NANOFLUX_LOG_FORMAT: "json",
    };
    const defender = spawnNanoflux(["agent", "defender", "--topology", file, "--every-run"], env);
    try {
      // Without a defender no round gets past its question: each run reaches its target only through this one.
      const others = prepared.topology.agents.filter((a) => a.type !== "defender");
      for (const runId of ["every-1", "every-2"]) {
        const { report } = await runSession({ prepared, logger: silentLogger(), runId, agents: others });
        expect(report.status, runId).toBe("target_reached");
      }
      expect(defender.exitCode).toBeNull();
      expect(defender.output()).toMatch(/"runId":"every-1".*"msg":"joined run"/);
      expect(defender.output()).toMatch(/"runId":"every-2".*"msg":"joined run"/);
      // A worker started later replays the stream past both runs' starts and joins neither: they are finished.
      const late = spawnNanoflux(["agent", "defender", "--topology", file, "--every-run"], env);
      await waitFor(() => late.output().includes("serving every run"), 30_000, "the late worker to be ready");
      for (const worker of [defender, late]) worker.kill("SIGTERM");
      expect(await Promise.all([exited(defender), exited(late)])).toEqual([0, 0]);
      expect(late.output()).not.toMatch(/joined run/);
    } finally {
      defender.kill("SIGKILL");
      await prepared.simulator?.close();
    }
  });
});
