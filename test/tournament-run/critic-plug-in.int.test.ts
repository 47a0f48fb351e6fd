import { fileURLToPath } from "node:url";
import { DeliverPolicy } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../../bus/bus.ts";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { VerdictIssued } from "../../protocol/messages.ts";
import { runStageSubject, STREAM_NAME } from "../../protocol/subjects.ts";
import { runSession } from "../../runner/run-session.ts";
import { startTestNats } from "../support/nats.ts";
import { expectTargetMet } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";
import { closedRounds } from "./players.ts";

const CRITIC = fileURLToPath(new URL("../../examples/critic/critic.ts", import.meta.url));

type TestNats = Awaited<ReturnType<typeof startTestNats>>;

let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.cleanup();
});

/** Every message a plug-in stage recorded (run events leave plug-in stages out), each checked on the way in. */
async function stageMessages(runId: string, stage: string): Promise<VerdictIssued[]> {
  const bus = await Bus.open({ servers: nats.url, name: "test-reader", logger: silentLogger() });
  try {
    const consumer = await bus.js.consumers.get(STREAM_NAME, {
      filter_subjects: runStageSubject(runId, stage),
      deliver_policy: DeliverPolicy.All,
    });
    const messages: VerdictIssued[] = [];
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 100, expires: 1000 });
      let got = 0;
      for await (const msg of batch) {
        got += 1;
        const parsed = VerdictIssued.safeParse(msg.json());
        expect(parsed.error).toBeUndefined();
        if (parsed.success) messages.push(parsed.data);
        if (msg.info.pending === 0) return messages;
      }
      if (got === 0) return messages;
    }
  } finally {
    await bus.close();
  }
}

describe("the example critic plug-in, loaded from a topology file", () => {
  it("reviews every verdict the curator keeps, on its own stage", async () => {
    const { file } = await writeTestTopology({
      target: 5,
      natsUrl: nats.url,
      extraAgents: [{ type: "critic", module: CRITIC }],
      routes: { curator: { "verdict.issued": "verdict.reviewed" } },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    try {
      const { report, runId } = await runSession({ prepared, logger: silentLogger() });
      expect(report.status).toBe("target_reached");
      expectTargetMet(report.accepted, 5, 4);

      const reviewed = await stageMessages(runId, "verdict.reviewed");
      expect(reviewed.length).toBeGreaterThanOrEqual(5);
      expect(reviewed.every((m) => m.producer.startsWith("critic"))).toBe(true);
      // The curator reads only reviewed verdicts, so every kept item went through the critic.
      const reviewedRounds = new Set(reviewed.map((m) => m.spec.roundId));
      const closed = await closedRounds(nats.url, runId);
      const accepted = closed.filter((r) => r.status === "accepted");
      expect(accepted).toHaveLength(report.accepted);
      for (const round of accepted) expect(reviewedRounds.has(round.spec.roundId)).toBe(true);
      // A veto closes the round at the critic's stage; any other verdict reached the curator.
      for (const round of closed.filter((r) => r.verdict && !reviewedRounds.has(r.spec.roundId)))
        expect(round.stage).toBe("critic");
    } finally {
      await prepared.simulator?.close();
    }
  });
});
