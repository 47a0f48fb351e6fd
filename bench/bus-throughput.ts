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
import { RoundClosed } from "../bus/messages.ts";
import { heartbeatSubject, idempotencyKey } from "../bus/subjects.ts";
import { silentLogger } from "../log/logger.ts";
import { roundId } from "../machines/scheduler.ts";
import { flags, isMain, printJson } from "./support/cli.ts";
import { median } from "./support/rates.ts";

export interface BusOptions {
  events: number;
  publishers: number;
  consumers: number;
  trials: number;
}

type Transport = "jetstream" | "core";

export interface TransportRun {
  transport: Transport;
  trial: number;
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

async function loadEvents(runId: string, count: number): Promise<RoundClosed[]> {
  const text = await readFile(new URL("./fixtures/round-closed.json", import.meta.url), "utf8");
  const fixture = RoundClosed.parse(JSON.parse(text));
  return Array.from({ length: count }, (_, seq) => ({
    ...fixture,
    runId,
    spec: { ...fixture.spec, runId, roundId: roundId(seq), seq },
  }));
}

/** Runs `work` over the items with `width` of them in progress at once. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

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

export async function measureBus(
  options: BusOptions,
  onRun: (run: TransportRun) => void = () => {},
): Promise<BusResult> {
  const dir = await mkdtemp(join(tmpdir(), "nf-bench-bus-"));
  const nats = await startEmbeddedNats({ storeDir: join(dir, "js") });
  const open = (name: string) => Bus.open({ servers: nats.url, name, logger: silentLogger() });
  const [publisher, consumer] = await Promise.all([open("bench-publisher"), open("bench-consumer")]);
  const runs: TransportRun[] = [];
  let payloadBytes = 0;
  try {
    for (let trial = 0; trial < options.trials; trial++) {
      const events = await loadEvents(`bench-bus-${trial}`, options.events);
      payloadBytes = Buffer.byteLength(JSON.stringify(events[0]));
      const order: Transport[] = trial % 2 === 0 ? ["jetstream", "core"] : ["core", "jetstream"];
      for (const transport of order) {
        const t =
          transport === "jetstream"
            ? await viaJetStream(publisher, consumer, events, options)
            : await viaCore(publisher, consumer, events);
        const run: TransportRun = {
          transport,
          trial,
          publishedPerSecond: events.length / ((t.published - t.started) / 1000),
          deliveredPerSecond: events.length / ((t.finished - t.started) / 1000),
        };
        runs.push(run);
        onRun(run);
      }
    }
  } finally {
    await Promise.all([publisher.close(), consumer.close()]);
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const rate = (t: Transport) =>
    median(runs.filter((r) => r.transport === t).map((r) => r.deliveredPerSecond));
  return {
    options,
    payloadBytes,
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
