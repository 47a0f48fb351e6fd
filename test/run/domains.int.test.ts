import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { runSession } from "../../runner/run-session.ts";
import { renderSummary } from "../../runner/summary.ts";
import { startTestNats } from "../support/nats.ts";
import { expectTargetMet } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe("every shipped domain reaches its target on the simulator", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it.each(["math", "science", "medical"])("%s", async (domain) => {
    const { file } = await writeTestTopology({ target: 4, domains: [domain], natsUrl: nats.url });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report, datasetPath } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("target_reached");
      expectTargetMet(report.accepted, 4, 4);
      expect(report.acceptedByDomain).toEqual({ [domain]: report.accepted });
      expect(total(report.acceptedByLevel)).toBe(report.accepted);
      expect(total(report.acceptedByComplexity)).toBe(report.accepted);
      expect(total(report.byOutcome)).toBeGreaterThanOrEqual(report.accepted);
      const summary = renderSummary(report, datasetPath);
      for (const row of ["judged by outcome", "accepted by level", "accepted by complexity"])
        expect(summary).toContain(row);
    } finally {
      await prepared.simulator?.close();
    }
  });
});
