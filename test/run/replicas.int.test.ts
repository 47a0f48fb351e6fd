import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { expectEveryRoundClosedOnce, expectTargetMet, runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

describe("replicas of one agent type share its work", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it("two attackers and two defenders handle each round exactly once", async () => {
    const { file } = await writeTestTopology({
      target: 8,
      concurrency: 6,
      replicas: { attacker: 2, defender: 2 },
      // Two messages at a time per replica, with up to six rounds in flight: neither replica can take them all.
      agentConcurrency: { attacker: 2, defender: 2 },
      natsUrl: nats.url,
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const result = await runSession({ prepared, logger: silentLogger() });
      expectTargetMet(result.report.accepted, 8, 6);
      const events = await runEvents(nats.url, result.runId);
      expectEveryRoundClosedOnce(events);

      // One model call per round and role: a round handled by both replicas would show up as a second call.
      const stats = prepared.simulator?.stats();
      const proposed = events.filter((e) => e.type === "question.proposed.v1");
      const answered = events.filter((e) => e.type === "answer.submitted.v1");
      expect(stats?.byRole.attacker).toBe(proposed.length);
      expect(stats?.byRole.defender).toBe(answered.length);

      // Both replicas of each type did some of the work.
      expect(new Set(proposed.map((e) => e.producer)).size).toBe(2);
      expect(new Set(answered.map((e) => e.producer)).size).toBe(2);
    } finally {
      await prepared.simulator?.close();
    }
  });
});
