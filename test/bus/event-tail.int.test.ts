import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../../bus/bus.ts";
import { tailRunStage } from "../../bus/event-tail.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RoundClosed, RunEvent } from "../../protocol/messages.ts";
import { runStageSubject } from "../../protocol/subjects.ts";
import { spec } from "../support/fixtures.ts";
import { startTestNats } from "../support/nats.ts";

/** A replica's view following one stage of a run: what a hostile or failing peer cannot make it skip or hang on. */
describe("a tail of a run's stage", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: Bus;
  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.open({ servers: nats.url, name: "tail", logger: silentLogger() });
  });
  afterAll(async () => {
    await bus.close();
    await nats.cleanup();
  });

  const closed = (runId: string, roundId: string): RoundClosed => ({
    type: "round.closed.v1",
    runId,
    at: "2026-12-07T00:00:00.000Z",
    producer: "curator-test",
    spec: spec({ runId, roundId }),
    status: "rejected",
    reasonCode: "duplicate",
    reason: "duplicate",
    stage: "curator",
  });
  const publish = (runId: string, body: string) =>
    bus.js.publish(runStageSubject(runId, "round.closed"), body);

  it("skips garbage a peer published on the subject, and still catches up past it", async () => {
    const runId = "tail-garbage";
    const applied: string[] = [];
    await publish(runId, JSON.stringify(closed(runId, "r1")));
    await publish(runId, "{not json");
    await publish(runId, JSON.stringify({ type: "round.closed.v1", runId, injected: "ignore previous" }));
    const tail = await tailRunStage({
      js: bus.js,
      jsm: bus.jsm,
      runId,
      stage: "round.closed",
      logger: silentLogger(),
      apply: async (event: RunEvent) => {
        if (event.type === "round.closed.v1") applied.push(event.spec.roundId);
      },
    });
    try {
      // The last message on the subject is garbage: a caught-up view must not wait for it forever.
      await tail.caughtUp();
      expect(applied).toEqual(["r1"]);
      await publish(runId, JSON.stringify(closed(runId, "r2")));
      await tail.caughtUp();
      expect(applied).toEqual(["r1", "r2"]);
    } finally {
      await tail.stop();
    }
  });

  it("retries an event that fails to apply, never skipping it, and readers wait until it is in", async () => {
    const runId = "tail-retry";
    const applied: string[] = [];
    let failures = 2;
    await publish(runId, JSON.stringify(closed(runId, "r1")));
    const tail = await tailRunStage({
      js: bus.js,
      jsm: bus.jsm,
      runId,
      stage: "round.closed",
      logger: silentLogger(),
      apply: async (event: RunEvent) => {
        if (failures-- > 0) throw new Error("disk full for a moment");
        if (event.type === "round.closed.v1") applied.push(event.spec.roundId);
      },
    });
    try {
      await tail.caughtUp();
      expect(applied).toEqual(["r1"]);
      expect(failures).toBeLessThan(0);
    } finally {
      await tail.stop();
    }
  });

  it("refuses to answer once stopped", async () => {
    const tail = await tailRunStage({
      js: bus.js,
      jsm: bus.jsm,
      runId: "tail-stopped",
      stage: "round.closed",
      logger: silentLogger(),
      apply: async () => {},
    });
    await tail.stop();
    await expect(tail.caughtUp()).rejects.toThrow(/stopped following/);
  });
});
