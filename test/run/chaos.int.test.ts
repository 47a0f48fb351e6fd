import type { ChildProcess } from "node:child_process";
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

const TYPES = ["attacker", "defender", "judge", "curator"] as const;
const KILLS = 4;

/** A small seeded generator, so a failing chaos run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe("chaos: agents killed at random through a run", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it("ends with the target met, no duplicate and no gap in the accounting", async () => {
    const target = 10;
    const { file, dir } = await writeTestTopology({
      target,
      concurrency: 4,
      natsUrl: nats.url,
      ackWaitMs: 1500,
      simulator: { latencyMs: 60 },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    const runId = "run-chaos";
    const env = { NATS_URL: nats.url, NANOFLUX_SIM_URL: prepared.simulator?.url ?? "" };
    const start = (type: string) => spawnNanoflux(["agent", type, "--topology", file, "--run", runId], env);
    const agents = new Map<string, ChildProcess>(TYPES.map((type) => [type, start(type)]));
    const random = seeded(20261123);
    const dataset = join(dir, "runs", runId, "dataset.jsonl");
    const accepted = async () =>
      (await readFile(dataset, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
    const killed: string[] = [];
    try {
      const session = runSession({
        prepared,
        logger: silentLogger(),
        runId,
        agents: prepared.topology.agents.filter((a) => a.type === "scheduler"),
      });
      let done = false;
      void session.finally(() => {
        done = true;
      });
      for (let kill = 0; kill < KILLS && !done; kill++) {
        const before = await accepted();
        // Wait for progress between kills, so every kill lands mid-run rather than in a start-up.
        await waitFor(async () => done || (await accepted()) > before, 60_000, "progress between kills");
        if (done) break;
        const type = TYPES[Math.floor(random() * TYPES.length)] as string;
        const victim = agents.get(type) as ChildProcess;
        victim.kill("SIGKILL");
        await exited(victim);
        killed.push(type);
        agents.set(type, start(type));
      }
      const result = await session;
      expect(killed.length).toBeGreaterThanOrEqual(2);
      expect(result.report.status).toBe("target_reached");

      const samples = (await readFile(result.datasetPath, "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((line) => Sample.parse(JSON.parse(line)));
      const kept = result.report.accepted;
      expectTargetMet(kept, target, 4);
      expect(samples).toHaveLength(kept);
      expect(new Set(samples.map((s) => s.roundId)).size).toBe(kept);
      expect(new Set(samples.map((s) => s.question.text)).size).toBe(kept);
      expectEveryRoundClosedOnce(await runEvents(nats.url, runId));
      const { report } = result;
      expect(report.accepted + report.rejected + report.failed + report.cancelled).toBe(report.rounds);

      // Workers leave by themselves when their run completes, each with a clean exit.
      const codes = await Promise.all([...agents.values()].map((child) => exited(child)));
      expect(codes).toEqual(TYPES.map(() => 0));
      // The curator's store survived its restarts: exactly the accepted questions, once each.
      const store = await LanceQuestionStore.open({
        path: join(result.runDir, "questions.lance"),
        dims: 512,
        embedder: LOCAL_EMBEDDER_NAME,
      });
      expect(await store.count()).toBe(kept);
      await store.close();
    } finally {
      for (const child of agents.values()) child.kill("SIGKILL");
      await prepared.simulator?.close();
    }
  });
});
