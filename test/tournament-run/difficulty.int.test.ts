import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RoundClosed } from "../../protocol/messages.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { closedRounds, writePlayersTopology } from "./players.ts";

type TestNats = Awaited<ReturnType<typeof startTestNats>>;

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.cleanup();
});

function defenderSuccess(rounds: RoundClosed[]): number {
  return rounds.filter((r) => r.verdict?.outcome === "defended").length / rounds.length;
}

function meanComplexity(rounds: RoundClosed[]): number {
  return rounds.reduce((sum, r) => sum + r.spec.complexity, 0) / rounds.length;
}

describe("difficulty targeting over a run", () => {
  it("moves the defender's success rate toward the 0.5 target", async () => {
    // The simulated defender gets a question right with probability skill^hops: 0.8 at complexity 1, 0.51 at 3.
    const { file } = await writePlayersTopology(
      [{ id: "solo", skill: 0.8 }],
      { startComplexity: 1, adaptComplexity: true, targetDefenderSuccess: 0.5 },
      // One round at a time: each round's complexity follows every earlier result, so the run is reproducible.
      { concurrency: 1, natsUrl: nats.url, run: { maxRounds: 120 } },
    );
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report, runId } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("max_rounds");
      const judged = (await closedRounds(nats.url, runId)).filter(
        (r) => r.verdict !== undefined && r.verdict.outcome !== "invalid_question",
      );
      expect(judged.length).toBeGreaterThan(90);
      const third = Math.floor(judged.length / 3);
      const first = judged.slice(0, third);
      const last = judged.slice(-third);
      expect(meanComplexity(last)).toBeGreaterThan(meanComplexity(first));
      expect(defenderSuccess(first)).toBeGreaterThan(0.65);
      expect(Math.abs(defenderSuccess(last) - 0.5)).toBeLessThan(Math.abs(defenderSuccess(first) - 0.5));
    } finally {
      await prepared.simulator?.close();
    }
  });
});
