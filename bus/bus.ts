import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
} from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { type NatsConnection, nanos, headers as natsHeaders } from "@nats-io/nats-core";
import type { z } from "zod";
import type { NatsConfig } from "../config/topology.ts";
import type { Logger } from "../log/logger.ts";
import { ERROR_CODE_HEADER, type ErrorCode, errorInfo, errorMessage } from "../protocol/errors.ts";
import { DeadLetter, type Heartbeat, RunEvent, stageOfType } from "../protocol/messages.ts";
import {
  deadLetterSubject,
  durableName,
  heartbeatSubject,
  parseRunSubject,
  runStageSubject,
  STREAM_NAME,
} from "../protocol/subjects.ts";
import { connectNats } from "./connection.ts";
import { isConsumerTaken } from "./jetstream-errors.ts";
import { ensureRunStream, openStateBucket } from "./stream.ts";

/** How long closing a connection waits for its drain before it just closes. */
const CLOSE_DRAIN_MS = 3000;

const MAX_DLQ_PAYLOAD = 4000;
const PULL_EXPIRES_MS = 5000;

export interface BusOpenOptions {
  servers: string;
  name: string;
  nats?: Partial<NatsConfig>;
  logger: Logger;
}

export interface PublishOptions {
  /**
   * The failure this message reports (a round closed as failed, say): its error code travels in the
   * ERROR_CODE_HEADER header (protocol/errors.ts), so readers can sort failures without parsing `reason`.
   */
  failure?: unknown;
  /**
   * Record the message only if the last one on its subject is still this stream sequence (0: none yet):
   * JetStream refuses it otherwise (a writer acting on a stale view: `isWrongLastSequence` in jetstream-errors.ts).
   */
  expectLastSubjectSequence?: number;
}

/** Where a published message landed; `duplicate` when its msgId had already been recorded. */
export interface Published {
  seq: number;
  duplicate: boolean;
}

export interface DeliveryContext {
  /** 1 on first delivery; higher after a crash or a nak. */
  deliveryCount: number;
  subject: string;
  /** Aborted when the consumer stops and the message has not been handled within the grace period. */
  signal: AbortSignal;
}

export interface ConsumeSpec<T> {
  runId: string;
  agentType: string;
  stage: string;
  schema: z.ZodType<T>;
  concurrency: number;
  ackWaitMs: number;
  maxDeliver: number;
  /** Handles one valid message; resolving acks it, throwing naks it for redelivery. */
  handle(message: T, context: DeliveryContext): Promise<void>;
  /** Called when handling fails on the last allowed delivery: the place to close the round as failed. */
  onLastDeliveryFailed?(message: T, error: unknown): Promise<void>;
}

export interface Consumption {
  /**
   * Stops taking messages and waits up to `graceMs` for those in hand; then aborts them, and a handler that
   * gives up is naked at once so another replica (or a resumed run) takes its message.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  readonly inFlight: number;
  readonly handled: number;
}

/**
 * One agent's NATS connection: validated publishing into the run stream, durable consumers that replicas share,
 * a dead-letter subject for messages that fail validation, and the state bucket.
 */
export class Bus {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly state: KV,
    readonly logger: Logger,
    readonly producer: string,
  ) {}

  static async open(options: BusOpenOptions): Promise<Bus> {
    const nc = await connectNats({ servers: options.servers, name: options.name, auth: options.nats });
    const replicas = options.nats?.replicas ?? 1;
    const jsm = await ensureRunStream(nc, replicas);
    const state = await openStateBucket(nc, replicas);
    return new Bus(nc, jetstream(nc), jsm, state, options.logger, options.name);
  }

  /**
   * Publishes a message after validating it; `msgId` makes a re-publish (after a crash) a no-op. Says where it
   * landed, for writers that act on the sequence (a reviewer's next decision).
   */
  async publish<T>(
    runId: string,
    stage: string,
    schema: z.ZodType<T>,
    message: T,
    msgId: string,
    options: PublishOptions = {},
  ): Promise<Published> {
    const checked = schema.parse(message);
    const h = natsHeaders();
    h.set("Nf-Producer", this.producer);
    if (options.failure !== undefined) h.set(ERROR_CODE_HEADER, errorInfo(options.failure).code);
    const expected = options.expectLastSubjectSequence;
    const ack = await this.js.publish(runStageSubject(runId, stage), JSON.stringify(checked), {
      msgID: msgId,
      headers: h,
      ...(expected !== undefined && { expect: { lastSubjectSequence: expected } }),
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  /** Publishes a run event, its stage taken from its type. */
  async publishEvent(event: RunEvent, msgId: string): Promise<void> {
    await this.publish(event.runId, stageOfType(event.type), RunEvent, event, msgId);
  }

  publishHeartbeat(beat: Heartbeat): void {
    this.nc.publish(heartbeatSubject(beat.runId, beat.agentType, beat.instance), JSON.stringify(beat));
  }

  async ensureConsumer(
    spec: Pick<
      ConsumeSpec<unknown>,
      "runId" | "agentType" | "stage" | "ackWaitMs" | "maxDeliver" | "concurrency"
    >,
  ): Promise<string> {
    const durable = durableName(spec.runId, spec.agentType, spec.stage);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: runStageSubject(spec.runId, spec.stage),
      ack_wait: nanos(spec.ackWaitMs),
      max_deliver: spec.maxDeliver,
      max_ack_pending: Math.max(64, spec.concurrency * 8),
    };
    try {
      await this.jsm.consumers.add(STREAM_NAME, config);
    } catch (err) {
      // A replica that starts second (with other settings) finds the consumer there: that is the shared work
      // queue it joins. The same settings are no error at all.
      if (!isConsumerTaken(err)) throw err;
    }
    return durable;
  }

  async consume<T>(spec: ConsumeSpec<T>): Promise<Consumption> {
    const durable = await this.ensureConsumer(spec);
    const consumer = await this.js.consumers.get(STREAM_NAME, durable);
    // Short-lived pulls: after a cluster node goes away, a pull it held is replaced within seconds, not 30.
    const messages = await consumer.consume({ max_messages: spec.concurrency, expires: PULL_EXPIRES_MS });
    const running = new Set<Promise<void>>();
    let handled = 0;
    let stopping = false;
    const abandon = new AbortController();
    // Every message in hand listens to it: as many listeners as the stage's concurrency is no leak.
    setMaxListeners(0, abandon.signal);

    const handleOne = async (msg: JsMsg) => {
      const keepAlive = setInterval(() => msg.working(), Math.max(1000, spec.ackWaitMs / 3));
      try {
        const parsed = await this.validate(msg, spec);
        if (parsed === undefined) return;
        const context = {
          deliveryCount: msg.info.deliveryCount,
          subject: msg.subject,
          signal: abandon.signal,
        };
        try {
          await spec.handle(parsed, context);
          msg.ack();
        } catch (err) {
          if (abandon.signal.aborted) msg.nak();
          else if (msg.info.deliveryCount >= spec.maxDeliver && spec.onLastDeliveryFailed) {
            await spec.onLastDeliveryFailed(parsed, err);
            // The reason reaches the server's MSG_TERMINATED advisory: the code first, then the prose.
            msg.term(`${errorInfo(err).code}: ${errorMessage(err)}`);
          } else {
            this.logger.warn(
              {
                err: errorMessage(err),
                code: errorInfo(err).code,
                subject: msg.subject,
                delivery: msg.info.deliveryCount,
              },
              "handler failed; message will be redelivered",
            );
            msg.nak(Math.min(30_000, 500 * 2 ** msg.info.deliveryCount));
          }
        }
      } finally {
        clearInterval(keepAlive);
        handled += 1;
      }
    };

    const loop = (async () => {
      for await (const msg of messages) {
        if (stopping) {
          msg.nak();
          continue;
        }
        const task = handleOne(msg).catch((err) =>
          this.logger.error({ err: errorMessage(err) }, "message processing failed"),
        );
        running.add(task);
        void task.finally(() => running.delete(task));
        while (running.size >= spec.concurrency) await Promise.race(running);
      }
    })().catch((err) =>
      // The consumer went away under the loop (deleted, or its stream): say so rather than crash the process.
      this.logger.error({ err: errorMessage(err), stage: spec.stage }, "consumer ended"),
    );

    return {
      stop: async (options = {}) => {
        stopping = true;
        // Closing settles only once the loop has left the iterator, and the loop may be waiting for a free
        // slot: all three settle together with the messages in hand.
        const closed = messages.close();
        const drained = Promise.all([closed, loop]).then(() => Promise.all(running));
        const graceMs = options.graceMs ?? Number.POSITIVE_INFINITY;
        if (Number.isFinite(graceMs)) {
          let timer: NodeJS.Timeout | undefined;
          const grace = new Promise((resolve) => {
            timer = setTimeout(resolve, graceMs);
          });
          await Promise.race([drained, grace]);
          clearTimeout(timer);
          abandon.abort(new Error("the agent is stopping"));
        }
        await drained;
      },
      get inFlight() {
        return running.size;
      },
      get handled() {
        return handled;
      },
    };
  }

  /** Parses an inbound message; an invalid one goes to the dead-letter subject with the reason and is terminated. */
  private async validate<T>(msg: JsMsg, spec: ConsumeSpec<T>): Promise<T | undefined> {
    let reason: string;
    try {
      const result = spec.schema.safeParse(msg.json());
      if (result.success) return result.data;
      reason = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    } catch (err) {
      reason = `not JSON: ${errorMessage(err)}`;
    }
    const runId = parseRunSubject(msg.subject)?.runId ?? spec.runId;
    this.logger.warn({ subject: msg.subject, reason }, "invalid message sent to the dead-letter subject");
    const letter: DeadLetter = {
      type: "dlq.v1",
      runId,
      at: new Date().toISOString(),
      producer: this.producer,
      subject: msg.subject,
      reason,
      payload: msg.string().slice(0, MAX_DLQ_PAYLOAD),
    };
    const code: ErrorCode = "INVALID_MESSAGE";
    const h = natsHeaders();
    h.set("Nf-Producer", this.producer);
    h.set(ERROR_CODE_HEADER, code);
    await this.js.publish(deadLetterSubject(runId), JSON.stringify(DeadLetter.parse(letter)), {
      msgID: `dlq:${msg.info.stream}:${msg.info.streamSequence}`,
      headers: h,
    });
    msg.term(reason);
    return undefined;
  }

  /** Drains the connection; a server that has gone away cannot take a drain, so after a while it just closes. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = this.nc.drain().then(() => true);
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_DRAIN_MS);
    });
    const clean = await Promise.race([drained, late]).catch(() => false);
    clearTimeout(timer);
    if (!clean) await this.nc.close().catch(() => {});
  }
}

export function instanceName(agentType: string): string {
  return `${agentType}-${hostname().replace(/[^A-Za-z0-9_-]/g, "-")}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}
