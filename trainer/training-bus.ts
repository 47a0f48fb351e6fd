import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { type NatsConnection, nanos } from "@nats-io/nats-core";
import { type ObjectStore, Objm } from "@nats-io/obj";
import { isConsumerTaken, isStreamTaken } from "../bus/jetstream-errors.ts";
import { DUPLICATE_WINDOW_MS } from "../bus/stream.ts";
import {
  DATASET_BUCKET,
  TRAINING_JOBS_BUCKET,
  TRAINING_STREAM_NAME,
  trainingJobsSubject,
} from "../protocol/subjects.ts";

/**
 * The NATS side of GPU training: a work-queue stream of jobs, one durable pull consumer that every trainer host
 * shares, the dataset object store, and a KV bucket of job records. Every call here is idempotent, so any host
 * or submitter may set them up.
 */

/** Job records: `<jobId>.status` (latest state) and `<jobId>.result` (written once, when the job ends). */
export const TRAINER_HOSTS_CONSUMER = "trainer-hosts";
/** Hosts share one consumer; each holds at most one job, so this only caps how many hosts work at once. */
export const MAX_HOSTS = 256;

export interface HostConsumerSettings {
  /** How long a job may go without a `working()` signal before it goes to another host (the host died). */
  ackWaitMs: number;
  /** Deliveries before a job that keeps killing its host is given up. */
  maxDeliver: number;
}

export const DEFAULT_HOST_CONSUMER: HostConsumerSettings = { ackWaitMs: 60_000, maxDeliver: 5 };

/** `replicas`: copies of the job queue, dataset and job records on a cluster (the topology's nats.replicas). */
export async function ensureTrainingStream(nc: NatsConnection, replicas = 1): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.add({
      name: TRAINING_STREAM_NAME,
      subjects: [trainingJobsSubject()],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    });
  } catch (err) {
    if (!isStreamTaken(err)) throw err;
  }
  return jsm;
}

/** The durable consumer trainer hosts share; a host that starts second joins it. */
export async function ensureHostConsumer(
  jsm: JetStreamManager,
  settings: HostConsumerSettings,
): Promise<void> {
  try {
    await jsm.consumers.add(TRAINING_STREAM_NAME, {
      durable_name: TRAINER_HOSTS_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: trainingJobsSubject(),
      ack_wait: nanos(settings.ackWaitMs),
      max_deliver: settings.maxDeliver,
      max_ack_pending: MAX_HOSTS,
    });
  } catch (err) {
    if (!isConsumerTaken(err)) throw err;
  }
}

export function openDatasetStore(nc: NatsConnection, replicas = 1): Promise<ObjectStore> {
  return new Objm(nc).create(DATASET_BUCKET, { replicas });
}

export function openJobBucket(nc: NatsConnection, replicas = 1): Promise<KV> {
  return new Kvm(nc).create(TRAINING_JOBS_BUCKET, { history: 1, replicas });
}
