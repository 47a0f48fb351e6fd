import { type ChildProcess, spawn } from "node:child_process";
import { JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { ClosedConnectionError, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Bus } from "../../bus/bus.ts";
import { freePort } from "../../bus/embedded-server.ts";
import {
  isConsumerTaken,
  isJetStreamMissing,
  isReplicasNotSupported,
  isStreamNotFound,
  isStreamTaken,
  isTransientNatsError,
  isWrongLastSequence,
  JS_ERR,
  jetStreamCode,
} from "../../bus/jetstream-errors.ts";
import { KvDocument } from "../../bus/kv-document.ts";
import { ensureRunStream } from "../../bus/stream.ts";
import { silentLogger } from "../../log/logger.ts";
import { ConfigError, errorInfo } from "../../protocol/errors.ts";
import { durableName, STREAM_NAME } from "../../protocol/subjects.ts";
import { startTestNats, waitFor } from "../support/nats.ts";

/** The rejection of `promise` (a test fails when it resolves). */
function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
}

const Counter = z.object({ n: z.number().int() });

/**
 * A KV handle whose first compare-and-set write lets a rival connection write the key first: the write then
 * meets the server's real "wrong last sequence" answer, as when another process wins the race.
 */
function racedOnce(kv: KV, rival: KV, rivalValue: string): KV & { raced: boolean } {
  const state = { raced: false };
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "raced") return state.raced;
      if ((prop === "create" || prop === "update") && !state.raced) {
        const write = target[prop].bind(target) as (key: string, ...rest: unknown[]) => Promise<number>;
        return async (key: string, ...rest: unknown[]) => {
          state.raced = true;
          await rival.put(key, rivalValue);
          return write(key, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as KV & { raced: boolean };
}

describe("NATS errors are read by their JetStream code, on a real nats-server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const connections: NatsConnection[] = [];
  const buses: Bus[] = [];
  const open = async () => {
    const nc = await connect({ servers: nats.url });
    connections.push(nc);
    return nc;
  };

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await Promise.all(connections.map((nc) => nc.close()));
    await nats.cleanup();
  });

  it("turns replicas a single server cannot hold into a NATS_REPLICAS input error", async () => {
    const error = await rejectionOf(ensureRunStream(await open(), 3));
    expect(error).toBeInstanceOf(ConfigError);
    expect(errorInfo(error)).toMatchObject({ code: "NATS_REPLICAS", exitCode: 2 });
    expect(isReplicasNotSupported((error as ConfigError).cause)).toBe(true);
  });

  it("lets four connections race to create the run stream: every one succeeds, one stream results", async () => {
    const ncs = await Promise.all([1, 2, 3, 4].map(() => open()));
    await Promise.all(ncs.map((nc) => ensureRunStream(nc)));
    const jsm = await jetstreamManager(ncs[0] as NatsConnection);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    expect(names.filter((name) => name === STREAM_NAME)).toHaveLength(1);
  });

  it("classifies the server's own answers by code: not found, name taken, subjects overlap", async () => {
    const jsm = await jetstreamManager(await open());
    const missing = await rejectionOf(jsm.streams.info("NO_SUCH_STREAM"));
    expect([isStreamNotFound(missing), isStreamTaken(missing)]).toEqual([true, false]);

    await jsm.streams.add({ name: "TAKEN", subjects: ["taken.>"] });
    const otherConfig = await rejectionOf(
      jsm.streams.add({ name: "TAKEN", subjects: ["taken.>"], max_msgs: 5 }),
    );
    expect(jetStreamCode(otherConfig)).toBe(JS_ERR.STREAM_NAME_IN_USE);
    expect([isStreamTaken(otherConfig), isStreamNotFound(otherConfig)]).toEqual([true, false]);

    const overlap = await rejectionOf(jsm.streams.add({ name: "OVERLAP", subjects: ["taken.x"] }));
    expect(jetStreamCode(overlap)).toBe(JS_ERR.STREAM_SUBJECTS_OVERLAP);
    expect(isStreamTaken(overlap)).toBe(true);
    expect([isTransientNatsError(otherConfig), isTransientNatsError(overlap)]).toEqual([false, false]);
  });

  it("gives two replicas with different settings one shared durable consumer", async () => {
    const [a, b] = await Promise.all(
      ["replica-a", "replica-b"].map((name) => Bus.open({ servers: nats.url, name, logger: silentLogger() })),
    );
    if (!a || !b) throw new Error("two buses expected");
    buses.push(a, b);
    const spec = { runId: "shared", agentType: "worker", stage: "ping", ackWaitMs: 5000, maxDeliver: 3 };
    // Different concurrency, so a different max_ack_pending: a 2.10+ server answers the second create with
    // "consumer already exists" (10148), which the bus takes as the queue to join.
    const names = await Promise.all([
      a.ensureConsumer({ ...spec, concurrency: 1 }),
      b.ensureConsumer({ ...spec, concurrency: 40 }),
    ]);
    expect(names).toEqual([durableName("shared", "worker", "ping"), durableName("shared", "worker", "ping")]);
    await expect(a.ensureConsumer({ ...spec, concurrency: 1 })).resolves.toBe(names[0]);
    const info = await a.jsm.consumers.info(STREAM_NAME, names[0] as string);
    expect(info.config.durable_name).toBe(names[0]);
  });

  it("takes a KV create of an existing key and an update on a stale revision as a lost compare-and-set", async () => {
    const kv = await new Kvm(await open()).create("cas_codes", { history: 1 });
    const first = await kv.create("k", "1");
    const exists = await rejectionOf(kv.create("k", "2"));
    expect(isWrongLastSequence(exists)).toBe(true);
    await kv.put("k", "3");
    const stale = await rejectionOf(kv.update("k", "4", first));
    expect(isWrongLastSequence(stale)).toBe(true);
    expect([isStreamTaken(stale), isTransientNatsError(stale)]).toEqual([false, false]);
  });

  it("re-reads and retries a document update that another writer beat, on the server's own conflict answer", async () => {
    const bucket = await new Kvm(await open()).create("cas_update", { history: 1 });
    const rival = await new Kvm(await open()).open("cas_update");
    const plain = new KvDocument(bucket, "counter", Counter, { n: 0 }, "test counter");
    await plain.change((current) => ({ next: { n: current.n + 1 }, result: undefined }));

    const raced = racedOnce(bucket, rival, JSON.stringify({ n: 10 }));
    const doc = new KvDocument(raced, "counter", Counter, { n: 0 }, "test counter");
    const seen: number[] = [];
    const result = await doc.change((current) => {
      seen.push(current.n);
      return { next: { n: current.n + 1 }, result: current.n + 1 };
    });
    expect(raced.raced).toBe(true);
    expect(seen).toEqual([1, 10]);
    expect(result).toBe(11);
    expect(await plain.read()).toEqual({ n: 11 });
  });

  it("re-reads and retries a document create that another writer beat", async () => {
    const bucket = await new Kvm(await open()).create("cas_create", { history: 1 });
    const rival = await new Kvm(await open()).open("cas_create");
    const raced = racedOnce(bucket, rival, JSON.stringify({ n: 5 }));
    const doc = new KvDocument(raced, "fresh", Counter, { n: 0 }, "test counter");
    const seen: number[] = [];
    await doc.change((current) => {
      seen.push(current.n);
      return { next: { n: current.n + 1 }, result: undefined };
    });
    expect(seen).toEqual([0, 5]);
    expect(await doc.read()).toEqual({ n: 6 });
  });

  it("does not take another write failure for a conflict: it surfaces after one try", async () => {
    const bucket = await new Kvm(await open()).create("cas_small", { history: 1, maxValueSize: 64 });
    const doc = new KvDocument(bucket, "big", z.object({ text: z.string() }), { text: "" }, "test document");
    let tries = 0;
    const error = await rejectionOf(
      doc.change(() => {
        tries += 1;
        return { next: { text: "x".repeat(500) }, result: undefined };
      }),
    );
    expect(tries).toBe(1);
    expect(jetStreamCode(error)).toBeDefined();
    expect(isWrongLastSequence(error)).toBe(false);
  });

  it("counts a request nobody answers as transient, a closed connection as not", async () => {
    const nc = await open();
    const noResponders = await rejectionOf(nc.request("nobody.listens", "x", { timeout: 1000 }));
    expect(isTransientNatsError(noResponders)).toBe(true);
    const silent = nc.subscribe("listens.silently");
    const timedOut = await rejectionOf(nc.request("listens.silently", "x", { timeout: 50 }));
    silent.unsubscribe();
    expect(isTransientNatsError(timedOut)).toBe(true);
    const closing = await open();
    await closing.close();
    const closed = await rejectionOf(closing.request("nobody.listens", "x"));
    expect(closed).toBeInstanceOf(ClosedConnectionError);
    expect(isTransientNatsError(closed)).toBe(false);
  });
});

describe("a NATS server without JetStream", () => {
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `nats://127.0.0.1:${port}`;
    server = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    await waitFor(
      () =>
        connect({ servers: url, timeout: 500 }).then(
          (nc) => nc.close().then(() => true),
          () => false,
        ),
      10_000,
      "nats-server without JetStream",
    );
  });
  afterAll(() => {
    server.kill();
  });

  it("is an input error that says to enable JetStream (exit 2)", async () => {
    const error = await rejectionOf(Bus.open({ servers: url, name: "no-js", logger: silentLogger() }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(errorInfo(error)).toEqual({
      code: "NATS_NO_JETSTREAM",
      kind: "input",
      retryable: false,
      exitCode: 2,
    });
    expect((error as Error).message).toMatch(/--jetstream/);
    expect(isJetStreamMissing((error as ConfigError).cause)).toBe(true);
  });
});

describe("isConsumerTaken", () => {
  it("reads the code, not the message", () => {
    const apiError = (err_code: number, description: string) =>
      new JetStreamApiError({ code: 400, err_code, description });
    expect(isConsumerTaken(apiError(JS_ERR.CONSUMER_ALREADY_EXISTS, "consumer already exists"))).toBe(true);
    expect(isConsumerTaken(apiError(JS_ERR.CONSUMER_NAME_IN_USE, "consumer name already in use"))).toBe(true);
    expect(isConsumerTaken(apiError(10014, "consumer not found"))).toBe(false);
    expect(isConsumerTaken(new Error("consumer already exists"))).toBe(false);
  });
});
