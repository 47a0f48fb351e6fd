import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { Sample } from "../../protocol/schemas.ts";
import { runSession } from "../../runner/run-session.ts";
import { expectTargetMet } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

async function readDataset(path: string): Promise<Sample[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => Sample.parse(JSON.parse(line)));
}

describe("a whole run on the simulator and a real nats-server", () => {
  it("reaches its target with every round accounted for exactly once", async () => {
    const { file } = await writeTestTopology({ target: 6 });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const result = await runSession({ prepared, logger: silentLogger() });
      const { report } = result;
      expect(report.status).toBe("target_reached");
      expectTargetMet(report.accepted, 6, 4);
      expect(report.accepted + report.rejected + report.failed + report.cancelled).toBe(report.rounds);
      const samples = await readDataset(result.datasetPath);
      expect(samples).toHaveLength(report.accepted);
      expect(new Set(samples.map((s) => s.roundId)).size).toBe(report.accepted);
      expect(new Set(samples.map((s) => s.question.text)).size).toBe(report.accepted);
      // Roles swap between rounds: both models attacked and both defended.
      const stats = prepared.simulator?.stats();
      expect(stats).toBeDefined();
      expect(report.usage.some((u) => u.role === "attacker" && u.model === "strong")).toBe(true);
      expect(report.usage.some((u) => u.role === "attacker" && u.model === "weak")).toBe(true);
    } finally {
      await prepared.simulator?.close();
    }
  });
});
