import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { LOCAL_EMBEDDER_NAME } from "../../curation/embedders/local-use.ts";
import { LanceQuestionStore } from "../../curation/lance-question-store.ts";
import { silentLogger } from "../../log/logger.ts";
import { Sample } from "../../protocol/schemas.ts";
import { runSession } from "../../runner/run-session.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { expectEveryRoundClosedOnce, expectTargetMet, runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

async function datasetLines(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean);
}

describe("a crashed agent resumes", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it("a defender killed mid-run is restarted and the run still reaches its target, no round lost or counted twice", async () => {
    const { file, dir } = await writeTestTopology({
      target: 10,
      concurrency: 4,
      natsUrl: nats.url,
      ackWaitMs: 1500,
      simulator: { latencyMs: 40 },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    const runId = "run-kill-defender";
    const env = { NATS_URL: nats.url, NANOFLUX_SIM_URL: prepared.simulator?.url ?? "" };
    const startDefender = () => spawnNanoflux(["agent", "defender", "--topology", file, "--run", runId], env);
    try {
      const session = runSession({
        prepared,
        logger: silentLogger(),
        runId,
        agents: prepared.topology.agents.filter((a) => a.type !== "defender"),
      });
      const first = startDefender();
      const dataset = join(dir, "runs", runId, "dataset.jsonl");
      await waitFor(async () => (await datasetLines(dataset)).length >= 2, 60_000, "two accepted samples");
      first.kill("SIGKILL");
      await exited(first);
      const second = startDefender();
      const result = await session;
      second.kill("SIGTERM");
      await exited(second);

      expect(result.report.status).toBe("target_reached");
      const samples = (await datasetLines(result.datasetPath)).map((l) => Sample.parse(JSON.parse(l)));
      expectTargetMet(samples.length, 10, 4);
      expect(samples).toHaveLength(result.report.accepted);
      expect(new Set(samples.map((s) => s.roundId)).size).toBe(samples.length);
      expectEveryRoundClosedOnce(await runEvents(nats.url, runId));
      expect(
        result.report.accepted + result.report.rejected + result.report.failed + result.report.cancelled,
      ).toBe(result.report.rounds);
    } finally {
      await prepared.simulator?.close();
    }
  });

  it("the whole `nanoflux up` process killed with SIGKILL resumes from its stream and KV state", async () => {
    const { file, dir } = await writeTestTopology({
      target: 8,
      concurrency: 4,
      natsUrl: nats.url,
      ackWaitMs: 1500,
      simulator: { latencyMs: 40 },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    const runId = "run-kill-up";
    const env = { NATS_URL: nats.url, NANOFLUX_SIM_URL: prepared.simulator?.url ?? "" };
    const up = () => spawnNanoflux(["up", file, "--run-id", runId], env);
    try {
      const dataset = join(dir, "runs", runId, "dataset.jsonl");
      const first = up();
      await waitFor(async () => (await datasetLines(dataset)).length >= 3, 60_000, "three accepted samples");
      first.kill("SIGKILL");
      await exited(first);
      const second = up();
      const code = await exited(second);
      expect(code, second.output()).toBe(0);
      expect(second.output()).toContain("target_reached");

      const samples = (await datasetLines(dataset)).map((l) => Sample.parse(JSON.parse(l)));
      expectTargetMet(samples.length, 8, 4);
      expect(new Set(samples.map((s) => s.roundId)).size).toBe(samples.length);
      expect(new Set(samples.map((s) => s.question.text)).size).toBe(samples.length);
      expectEveryRoundClosedOnce(await runEvents(nats.url, runId));
      // The restarted curator kept its store: each accepted question once, nothing lost in the crash.
      const store = await LanceQuestionStore.open({
        path: join(dir, "runs", runId, "questions.lance"),
        dims: 512,
        embedder: LOCAL_EMBEDDER_NAME,
      });
      expect(await store.count()).toBe(samples.length);
      await store.close();
    } finally {
      await prepared.simulator?.close();
    }
  });
});
