import { describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { runSession } from "../../runner/run-session.ts";
import { writePlayersTopology } from "./players.ts";

describe("a three-model tournament on the simulator", () => {
  it("ranks the models by their defender skill, with 95% intervals", async () => {
    const { file } = await writePlayersTopology(
      [
        { id: "mid", skill: 0.75 },
        { id: "weak", skill: 0.5 },
        { id: "strong", skill: 0.95 },
      ],
      // A fixed complexity, so a defence rating measures skill and not the difficulty each pairing drifted to.
      { pairing: "round-robin", swapEvery: 1, adaptComplexity: false, startComplexity: 3 },
      { concurrency: 8, run: { maxRounds: 90 } },
    );
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("max_rounds");
      expect(report.rounds).toBe(90);
      expect(report.standings.map((row) => row.model)).toEqual(["strong", "mid", "weak"]);
      for (const row of report.standings) {
        const [lo, hi] = row.defence.ci95;
        expect(lo).toBeLessThan(row.defence.rating);
        expect(row.defence.rating).toBeLessThan(hi);
        // Roles swap: every model both attacked and defended.
        for (const role of ["attacker", "defender"])
          expect(report.usage.some((u) => u.model === row.model && u.role === role)).toBe(true);
      }
    } finally {
      await prepared.simulator?.close();
    }
  });
});
