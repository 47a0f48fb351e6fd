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
  it("moves the complexity to where the defender succeeds about half the time, within a few rounds", async () => {
    // The simulated defender gets a question right with probability skill^hops: 0.8 at complexity 1, 0.51 at 3.
    const { file } = await writePlayersTopology(
      [{ id: "solo", skill: 0.8 }],
      { startComplexity: 1, adaptComplexity: true, targetDefenderSuccess: 0.5 },
      // One round at a time: each round's complexity follows every earlier result, so the run is reproducible.
      { concurrency: 1, natsUrl: nats.url, run: { maxRounds: 60 } },
    );
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report, runId } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("max_rounds");
      const judged = (await closedRounds(nats.url, runId)).filter(
        (r) => r.verdict !== undefined && r.verdict.outcome !== "invalid_question",
      );
      expect(judged.length).toBeGreaterThan(45);
      // From complexity 1 it asks for complexity 3 or more within 8 rounds, and spends the rest of the run there.
      expect(judged.findIndex((r) => r.spec.complexity >= 3)).toBeLessThanOrEqual(8);
      const settled = judged.slice(10);
      expect(meanComplexity(settled)).toBeGreaterThan(2.5);
      expect(Math.abs(defenderSuccess(settled) - 0.5)).toBeLessThan(0.15);
      // Fixed at the start complexity, the same defender would succeed 0.8 of the time.
      expect(Math.abs(defenderSuccess(settled) - 0.5)).toBeLessThan(Math.abs(0.8 - 0.5));
    } finally {
      await prepared.simulator?.close();
    }
  });

  it("meets a requested complexity mix within one sample per bucket", async () => {
    const mix = { "2": 0.3, "3": 0.4, "4": 0.3 };
    const target = 10;
    const { file } = await writePlayersTopology(
      [
        { id: "alpha", skill: 0.85 },
        { id: "beta", skill: 0.6 },
      ],
      { startComplexity: 3, adaptComplexity: true, targetDefenderSuccess: 0.5 },
      {
        concurrency: 3,
        natsUrl: nats.url,
        curation: { target, complexityMix: mix, noveltyThreshold: 1 },
        run: { maxRounds: 200 },
      },
    );
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("target_reached");
      for (const [complexity, share] of Object.entries(mix))
        expect(
          Math.abs((report.acceptedByComplexity[complexity] ?? 0) - share * target),
          `complexity ${complexity}: ${JSON.stringify(report.acceptedByComplexity)}`,
        ).toBeLessThanOrEqual(1);
      expect(Object.keys(report.acceptedByComplexity).sort()).toEqual(["2", "3", "4"]);
    } finally {
      await prepared.simulator?.close();
    }
  });
});
