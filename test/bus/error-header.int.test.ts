import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Bus } from "../../bus/bus.ts";
import { readRunEvents } from "../../bus/run-events.ts";
import { silentLogger } from "../../log/logger.ts";
import { ConfigError, ERROR_CODE_HEADER, ModelError } from "../../protocol/errors.ts";
import { DeadLetter } from "../../protocol/messages.ts";
import { deadLetterSubject, runStageSubject, STREAM_NAME } from "../../protocol/subjects.ts";
import { startTestNats, waitFor } from "../support/nats.ts";

const Ping = z.object({ type: z.literal("ping.v1"), n: z.number().int() });

/** Messages published because something failed carry its error code in a header; readers see it. */
describe("the error code header on a real nats-server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: Bus;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = await Bus.open({ servers: nats.url, name: "codes", logger: silentLogger() });
  });
  afterAll(async () => {
    await bus.close();
    await nats.cleanup();
  });

  it("marks a dead letter INVALID_MESSAGE, and run readers see the code", async () => {
    const consumption = await bus.consume({
      runId: "dead",
      agentType: "worker",
      stage: "ping",
      schema: Ping,
      concurrency: 1,
      ackWaitMs: 5000,
      maxDeliver: 3,
      handle: async () => {},
    });
    await bus.js.publish(runStageSubject("dead", "ping"), JSON.stringify({ type: "ping.v1", n: "seven" }));
    await waitFor(
      async () => (await readRunEvents(bus.js, "dead")).some((r) => r.event.type === "dlq.v1"),
      10_000,
      "the dead letter",
    );
    await consumption.stop();
    const stored = await bus.jsm.streams.getMessage(STREAM_NAME, { last_by_subj: deadLetterSubject("dead") });
    expect(stored?.header.get(ERROR_CODE_HEADER)).toBe("INVALID_MESSAGE");
    const [letter] = (await readRunEvents(bus.js, "dead")).filter((r) => r.event.type === "dlq.v1");
    expect(letter?.errorCode).toBe("INVALID_MESSAGE");
  });

  it("carries the code of the failure a publish reports, and none on an ordinary message", async () => {
    const letter = (n: number): DeadLetter => ({
      type: "dlq.v1",
      runId: "failures",
      at: new Date().toISOString(),
      producer: "test",
      subject: runStageSubject("failures", "ping"),
      reason: `case ${n}`,
      payload: "{}",
    });
    const failure = new Error("handler failed", {
      cause: new ConfigError("bad key", { code: "MODEL_AUTH" }),
    });
    await bus.publish("failures", "dlq", DeadLetter, letter(1), "failures:1", { failure });
    await bus.publish("failures", "dlq", DeadLetter, letter(2), "failures:2", {
      failure: new ModelError("no JSON", { code: "MODEL_MALFORMED" }),
    });
    await bus.publish("failures", "dlq", DeadLetter, letter(3), "failures:3", {
      failure: new TypeError("bug"),
    });
    await bus.publish("failures", "dlq", DeadLetter, letter(4), "failures:4");
    const recorded = await readRunEvents(bus.js, "failures");
    expect(recorded.map((r) => [r.event.type === "dlq.v1" ? r.event.reason : "", r.errorCode])).toEqual([
      ["case 1", "MODEL_AUTH"],
      ["case 2", "MODEL_MALFORMED"],
      ["case 3", "INTERNAL"],
      ["case 4", undefined],
    ]);
  });
});
