import {
  JetStreamApiError,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { nanos } from "@nats-io/nats-core";
import { ConfigError } from "../protocol/errors.ts";
import { allRunsSubject, STATE_BUCKET, STREAM_NAME } from "../protocol/subjects.ts";

/** How long JetStream remembers message ids: a re-publish after a crash within this window is dropped. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 60 * 1000;

/** Creates (or updates) the stream that records every run event. Idempotent; safe from every agent. */
export async function ensureRunStream(nc: NatsConnection, replicas = 1): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: STREAM_NAME,
    subjects: [allRunsSubject()],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: replicas,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_age: nanos(30 * 24 * 60 * 60 * 1000),
  };
  try {
    await jsm.streams.info(STREAM_NAME);
    return jsm;
  } catch (err) {
    if (!/not found/i.test((err as Error).message)) throw err;
  }
  try {
    await jsm.streams.add(config);
  } catch (err) {
    // Another agent created it at the same moment (the server says "already in use" or, racing, "subjects
    // overlap"): that is success once the stream is there.
    if (!/already in use|exists|overlap/i.test((err as Error).message)) throw replicasMismatch(err, replicas);
    await jsm.streams.info(STREAM_NAME).catch(() => {
      throw err;
    });
  }
  return jsm;
}

/** The KV bucket holding scheduler snapshots and curator acceptance records. */
export async function openStateBucket(nc: NatsConnection, replicas = 1): Promise<KV> {
  try {
    return await new Kvm(nc).create(STATE_BUCKET, { history: 1, replicas });
  } catch (err) {
    throw replicasMismatch(err, replicas);
  }
}

/** JetStream's code for "replicas > 1 not supported in non-clustered mode". */
const REPLICAS_UNSUPPORTED = 10074;

/** A topology asking for replicas of a single server is the user's setting to fix, not a crash. */
function replicasMismatch(err: unknown, replicas: number): unknown {
  if (!(err instanceof JetStreamApiError) || err.code !== REPLICAS_UNSUPPORTED) return err;
  return new ConfigError(
    `nats.replicas is ${replicas}, but this NATS server is not part of a cluster: set nats.replicas: 1, or point nats.url (NATS_URL) at a cluster`,
    { cause: err, code: "NATS_REPLICAS" },
  );
}
