import { type JetStreamManager, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { nanos } from "@nats-io/nats-core";
import { ConfigError } from "../protocol/errors.ts";
import { allRunsSubject, STATE_BUCKET, STREAM_NAME } from "../protocol/subjects.ts";
import {
  isJetStreamMissing,
  isReplicasNotSupported,
  isStreamNotFound,
  isStreamTaken,
} from "./jetstream-errors.ts";

/** How long JetStream remembers message ids: a re-publish after a crash within this window is dropped. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 60 * 1000;

/** Creates (or updates) the stream that records every run event. Idempotent; safe from every agent. */
export async function ensureRunStream(nc: NatsConnection, replicas = 1): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc).catch((err: unknown) => {
    throw setupFailure(err, replicas);
  });
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
    if (!isStreamNotFound(err)) throw setupFailure(err, replicas);
  }
  try {
    await jsm.streams.add(config);
  } catch (err) {
    // Another agent created it at the same moment (the server says the name is in use or, racing on a
    // cluster, that the subjects overlap): that is success once the stream is there.
    if (!isStreamTaken(err)) throw setupFailure(err, replicas);
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
    throw setupFailure(err, replicas);
  }
}

/**
 * A server that cannot hold what the topology asks (replicas of a single server, no JetStream at all) is the
 * user's setting to fix, not a crash; other failures go up as they are.
 */
export function setupFailure(err: unknown, replicas: number): unknown {
  if (isReplicasNotSupported(err))
    return new ConfigError(
      `nats.replicas is ${replicas}, but this NATS server is not part of a cluster: set nats.replicas: 1, or point nats.url (NATS_URL) at a cluster`,
      { cause: err, code: "NATS_REPLICAS" },
    );
  if (isJetStreamMissing(err))
    return new ConfigError(
      "the NATS server does not answer JetStream requests: start nats-server with --jetstream (-js), or unset " +
        "NATS_URL to let nanoflux start one; on a cluster that is electing a leader, try again in a moment",
      { cause: err, code: "NATS_NO_JETSTREAM" },
    );
  return err;
}
