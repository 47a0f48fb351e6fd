import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Bus } from "../../bus/bus.ts";
import { silentLogger } from "../../log/logger.ts";
import { runStageSubject } from "../../protocol/subjects.ts";
import { startTestNats, waitFor } from "../support/nats.ts";

const Ping = z.object({ type: z.literal("ping.v1"), n: z.number().int() });
type Ping = z.infer<typeof Ping>;

describe("bus on a real nats-server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const buses: Bus[] = [];
  const open = async (name: string) => {
    const bus = await Bus.open({ servers: nats.url, name, logger: silentLogger() });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await nats.cleanup();
  });

  it("splits a durable consumer's messages between replicas, each message handled once", async () => {
    const publisher = await open("pub");
    const seen: Array<[string, number]> = [];
    const replicas = await Promise.all(
      ["a", "b"].map(async (name) => {
        const bus = await open(name);
        return bus.consume({
          runId: "split",
          agentType: "worker",
          stage: "ping",
          schema: Ping,
          concurrency: 2,
          ackWaitMs: 5000,
          maxDeliver: 3,
          handle: async (msg: Ping) => {
            seen.push([name, msg.n]);
          },
        });
      }),
    );
    for (let n = 0; n < 40; n++)
      await publisher.publish("split", "ping", Ping, { type: "ping.v1", n }, `split:${n}`);
    await waitFor(() => seen.length >= 40, 10_000, "40 messages");
    await Promise.all(replicas.map((r) => r.stop()));
    expect(seen.map(([, n]) => n).sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    expect(new Set(seen.map(([name]) => name)).size).toBe(2);
  });

  it("drops a re-publish with the same message id", async () => {
    const bus = await open("dedup");
    for (let i = 0; i < 3; i++)
      await bus.publish("dedup", "ping", Ping, { type: "ping.v1", n: 1 }, "dedup:same");
    const info = await bus.jsm.streams.info("NANOFLUX_V1", {
      subjects_filter: runStageSubject("dedup", "ping"),
    });
    expect(info.state.subjects?.[runStageSubject("dedup", "ping")]).toBe(1);
  });

  it("sends an invalid message to the dead-letter subject and keeps consuming", async () => {
    const bus = await open("dlq");
    const good: number[] = [];
    const consumption = await bus.consume({
      runId: "dlq",
      agentType: "worker",
      stage: "ping",
      schema: Ping,
      concurrency: 1,
      ackWaitMs: 5000,
      maxDeliver: 3,
      handle: async (msg: Ping) => {
        good.push(msg.n);
      },
    });
    await bus.js.publish(runStageSubject("dlq", "ping"), JSON.stringify({ type: "ping.v1", n: "seven" }));
    await bus.js.publish(runStageSubject("dlq", "ping"), "not json at all");
    await bus.publish("dlq", "ping", Ping, { type: "ping.v1", n: 8 }, "dlq:8");
    await waitFor(() => good.length === 1, 10_000, "the valid message");
    await waitFor(
      async () => {
        const info = await bus.jsm.streams.info("NANOFLUX_V1", {
          subjects_filter: runStageSubject("dlq", "dlq"),
        });
        return info.state.subjects?.[runStageSubject("dlq", "dlq")] === 2;
      },
      10_000,
      "two dead letters",
    );
    expect(good).toEqual([8]);
    await consumption.stop();
  });

  it("redelivers a failed message and calls onLastDeliveryFailed on the last attempt", async () => {
    const bus = await open("retry");
    let attempts = 0;
    const gaveUp: number[] = [];
    const consumption = await bus.consume({
      runId: "retry",
      agentType: "worker",
      stage: "ping",
      schema: Ping,
      concurrency: 1,
      ackWaitMs: 5000,
      maxDeliver: 2,
      handle: async () => {
        attempts += 1;
        throw new Error("boom");
      },
      onLastDeliveryFailed: async (msg: Ping) => {
        gaveUp.push(msg.n);
      },
    });
    await bus.publish("retry", "ping", Ping, { type: "ping.v1", n: 5 }, "retry:5");
    await waitFor(() => gaveUp.length === 1, 15_000, "give-up");
    expect(attempts).toBe(2);
    expect(gaveUp).toEqual([5]);
    await consumption.stop();
  });
});
