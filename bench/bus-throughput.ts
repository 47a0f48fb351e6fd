/**
 * Bus throughput of run events. N round.closed events (an accepted round as a real run recorded it, 4.5 KB:
 * fixtures/round-closed.json, with a fresh round id each) are published with Bus.publish (validated, message
 * id set, the JetStream ack awaited; `publishers` of them at once) and consumed by a durable consumer through
 * Bus.consume (validated, acked; `consumers` handled at once). Baseline, on the same two connections: core
 * NATS publish and subscribe of the same payloads, validated the same way at both ends, on a subject the
 * stream does not record. Trials alternate which goes first; rates are medians.
 *
 *   node bin/run-ts.mjs bench/bus-throughput.ts [--events 20000] [--publishers 1] [--consumers 1] [--trials 3]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { headers as natsHeaders } from "@nats-io/nats-core";
import { Bus } from "../bus/bus.ts";
import { startEmbeddedNats } from "../bus/embedded-server.ts";
import { silentLogger } from "../log/logger.ts";
import { roundId } from "../machines/scheduler.ts";
import { RoundClosed } from "../protocol/messages.ts";
import { heartbeatSubject, idempotencyKey } from "../protocol/subjects.ts";
import { flags, isMain, printJson } from "./support/cli.ts";
import { alternateTrials, medianOf, type Trial } from "./support/trials.ts";

export interface BusOptions {
  events: number;
  publishers: number;
  consumers: number;
  trials: number;
}

type Transport = "jetstream" | "core";

export interface TransportRun extends Trial<Transport> {
  /** Events per second until the last publish returned (JetStream: acked; core: flushed). */
  publishedPerSecond: number;
  /** Events per second until the consumer had handled the last one. */
  deliveredPerSecond: number;
}

export interface BusResult {
  options: BusOptions;
  payloadBytes: number;
  runs: TransportRun[];
  jetstreamPerSecond: number;
  corePerSecond: number;
  /** JetStream's end-to-end rate over core NATS's. */
  ratio: number;
}

const STAGE = "round.closed";

async function loadFixture(): Promise<RoundClosed> {
  const text = await readFile(new URL("./fixtures/round-closed.json", import.meta.url), "utf8");
  return RoundClosed.parse(JSON.parse(text));
}

/** `count` copies of the fixture in a run of their own, each with its own round id. */
function eventsOf(fixture: RoundClosed, runId: string, count: number): RoundClosed[] {
  return Array.from({ length: count }, (_, seq) => ({
    ...fixture,
    runId,
    spec: { ...fixture.spec, runId, roundId: roundId(seq), seq },
  }));
}

/** Runs `work` over the items with `width` of them in progress at once. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/** `done` resolves with the time of the `total`-th tick. */
function countdown(total: number): { tick(): void; done: Promise<number> } {
  let left = total;
  let resolve: (at: number) => void = () => {};
  const done = new Promise<number>((r) => {
    resolve = r;
  });
  return { tick: () => void (--left === 0 && resolve(performance.now())), done };
}

async function viaJetStream(publisher: Bus, consumer: Bus, events: RoundClosed[], options: BusOptions) {
  const runId = events[0]?.runId as string;
  const delivered = countdown(events.length);
  const consumption = await consumer.consume({
    runId,
    agentType: "bench",
    stage: STAGE,
    schema: RoundClosed,
    concurrency: options.consumers,
    ackWaitMs: 30_000,
    maxDeliver: 5,
    handle: async () => delivered.tick(),
  });
  const started = performance.now();
  await inParallel(events, options.publishers, (event) =>
    publisher.publish(runId, STAGE, RoundClosed, event, idempotencyKey(runId, event.spec.roundId, STAGE)),
  );
  const published = performance.now();
  const finished = await delivered.done;
  await consumption.stop();
  return { started, published, finished };
}

async function viaCore(publisher: Bus, consumer: Bus, events: RoundClosed[]) {
  // A heartbeat subject: core NATS, outside the stream, like the heartbeats themselves.
  const subject = heartbeatSubject(events[0]?.runId as string, "bench", "core");
  const delivered = countdown(events.length);
  const subscription = consumer.nc.subscribe(subject, {
    callback: (_err, msg) => {
      if (RoundClosed.safeParse(msg.json()).success) delivered.tick();
    },
  });
  await consumer.nc.flush();
  const started = performance.now();
  for (const event of events) {
    const h = natsHeaders();
    h.set("Nf-Producer", publisher.producer);
    publisher.nc.publish(subject, JSON.stringify(RoundClosed.parse(event)), { headers: h });
  }
  await publisher.nc.flush();
  const published = performance.now();
  const finished = await delivered.done;
  subscription.unsubscribe();
  return { started, published, finished };
}

/** A fresh nats-server and two connections to it, a publisher and a consumer, as two agents would have. */
async function withTwoBuses<T>(work: (publisher: Bus, consumer: Bus) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "nf-bench-bus-"));
  const nats = await startEmbeddedNats({ storeDir: join(dir, "js") });
  const open = (name: string) => Bus.open({ servers: nats.url, name, logger: silentLogger() });
  const [publisher, consumer] = await Promise.all([open("bench-publisher"), open("bench-consumer")]);
  try {
    return await work(publisher, consumer);
  } finally {
    await Promise.all([publisher.close(), consumer.close()]);
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureBus(
  options: BusOptions,
  onRun: (run: TransportRun) => void = () => {},
): Promise<BusResult> {
  const fixture = await loadFixture();
  const runs = await withTwoBuses((publisher, consumer) =>
    alternateTrials(
      ["jetstream", "core"],
      options.trials,
      async (transport, trial): Promise<TransportRun> => {
        const events = eventsOf(fixture, `bench-bus-${trial}-${transport}`, options.events);
        const t =
          transport === "jetstream"
            ? await viaJetStream(publisher, consumer, events, options)
            : await viaCore(publisher, consumer, events);
        return {
          contender: transport,
          trial,
          publishedPerSecond: events.length / ((t.published - t.started) / 1000),
          deliveredPerSecond: events.length / ((t.finished - t.started) / 1000),
        };
      },
      onRun,
    ),
  );
  const rate = (t: Transport) => medianOf(runs, t, (r) => r.deliveredPerSecond);
  return {
    options,
    payloadBytes: Buffer.byteLength(JSON.stringify(fixture)),
    runs,
    jetstreamPerSecond: rate("jetstream"),
    corePerSecond: rate("core"),
    ratio: rate("jetstream") / rate("core"),
  };
}

if (isMain(import.meta.url)) {
  const options = flags({ events: 20_000, publishers: 1, consumers: 1, trials: 3 });
  const result = await measureBus(options, printJson);
  printJson({
    payloadBytes: result.payloadBytes,
    jetstreamEventsPerSecond: result.jetstreamPerSecond,
    coreEventsPerSecond: result.corePerSecond,
    ratio: result.ratio,
  });
}
