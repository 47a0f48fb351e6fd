import type { KV } from "@nats-io/kv";
import type { z } from "zod";
import { SerialQueue } from "../core/serial-queue.ts";
import type { DocumentChange, SharedDocument } from "../core/shared-document.ts";
import { backoffDelayMs } from "../llm/retry-policy.ts";
import { errorMessage, SystemError } from "../protocol/errors.ts";
import { isTransientNatsError, isWrongLastSequence } from "./jetstream-errors.ts";

/**
 * One JSON document in the run's KV bucket that replicas on any host change together: every change is a
 * compare-and-set on the entry's revision, retried when another writer came first, and riding out brief NATS
 * outages. The acceptance ledger and the spend ledger are such documents.
 */

const MAX_CAS_ATTEMPTS = 50;
const OUTAGE_PATIENCE_MS = 60_000;
const OUTAGE_BACKOFF = { baseDelayMs: 100, maxDelayMs: 2000 };

/**
 * Writes made in one process go one at a time per key. nats-server 2.9 can accept two concurrent
 * compare-and-set writes on an R3 bucket; writers sharing a process then never race each other.
 */
const writeQueues = new Map<string, SerialQueue>();

function writeQueue(key: string): SerialQueue {
  let queue = writeQueues.get(key);
  if (!queue) {
    queue = new SerialQueue();
    writeQueues.set(key, queue);
  }
  return queue;
}

export class KvDocument<T> implements SharedDocument<T> {
  /** The last read: a document that has not changed since is not parsed again. */
  #lastRead: { value: T; revision: number } | undefined;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly schema: z.ZodType<T>,
    private readonly empty: T,
    /** Names the document in errors: "acceptance ledger of run r1". */
    private readonly what: string,
  ) {}

  /** The current document, waiting out an outage. */
  read(): Promise<T> {
    return ridingOutages(this.what, async () => (await this.#read()).value);
  }

  /** Changes the document with compare-and-set, one write at a time per process, waiting out an outage. */
  change<R>(change: DocumentChange<T, R>): Promise<R> {
    return writeQueue(this.key).run(() => ridingOutages(this.what, () => this.#compareAndSet(change)));
  }

  async #read(): Promise<{ value: T; revision: number }> {
    const entry = await this.kv.get(this.key);
    if (!entry || entry.value.length === 0) return { value: this.empty, revision: 0 };
    if (this.#lastRead?.revision === entry.revision) return this.#lastRead;
    const parsed = this.schema.safeParse(entry.json());
    if (!parsed.success)
      throw new SystemError(`${this.what} is corrupt: ${parsed.error.message}`, { code: "STATE_CORRUPT" });
    this.#lastRead = { value: parsed.data, revision: entry.revision };
    return this.#lastRead;
  }

  async #compareAndSet<R>(change: DocumentChange<T, R>): Promise<R> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { value, revision } = await this.#read();
      const { next, result } = await change(value);
      if (!next) return result;
      try {
        if (revision === 0) await this.kv.create(this.key, JSON.stringify(next));
        else await this.kv.update(this.key, JSON.stringify(next), revision);
        return result;
      } catch (err) {
        // Another writer came first (the key was created, or its revision moved): read again and retry.
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new SystemError(`could not update the ${this.what} after ${MAX_CAS_ATTEMPTS} contended attempts`, {
      code: "NATS_CONFLICT",
    });
  }
}

/**
 * Retries `work` while NATS is briefly away (a server restart, a cluster failover). A write whose ack was lost
 * is found by the next try's read: changes must therefore be idempotent.
 */
async function ridingOutages<T>(what: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + OUTAGE_PATIENCE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isTransientNatsError(err)) throw err;
      if (Date.now() > deadline)
        throw new SystemError(
          `the ${what} could not be reached for ${OUTAGE_PATIENCE_MS / 1000} s (${errorMessage(err)}): is NATS up?`,
          { code: "NATS_UNAVAILABLE", cause: err },
        );
      await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, OUTAGE_BACKOFF)));
    }
  }
}
