import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { jserrors } from "@nats-io/jetstream/internal";
import { ConnectionError, RequestError, TimeoutError } from "@nats-io/nats-core";

/**
 * What a NATS or JetStream failure means, read from the error's class and JetStream's numeric error code
 * (nats-server's errors.json), never from its message, which servers are free to reword. Every check of a
 * NATS error in the code base goes through here.
 */

/** JetStream API error codes NanoFlux acts on. */
export const JS_ERR = {
  /** The stream does not exist (stream info, get message). */
  STREAM_NOT_FOUND: JetStreamApiCodes.StreamNotFound, // 10059
  /** A stream of that name exists with another configuration; an agent that raced us created it. */
  STREAM_NAME_IN_USE: 10058,
  /** The subjects overlap an existing stream's: on a cluster, what a racing creator of the same stream sees. */
  STREAM_SUBJECTS_OVERLAP: 10065,
  /** replicas > 1 asked of a server that is not part of a cluster. */
  REPLICAS_NOT_SUPPORTED: 10074,
  /** An expected-last-sequence check failed: a KV create of a key that exists, a KV update on a stale revision. */
  WRONG_LAST_SEQUENCE: JetStreamApiCodes.StreamWrongLastSequence, // 10071
  /** The same, as newer servers (2.11+) report it when they cannot say which sequence they hold. */
  WRONG_LAST_SEQUENCE_UNKNOWN: JetStreamApiCodes.StreamWrongLastSequenceUnknown, // 10164
  /** A consumer create (action "create", server 2.10+) found the consumer there with another configuration. */
  CONSUMER_ALREADY_EXISTS: 10148,
  /** The consumer name is taken (servers before 2.10 answer this where later ones answer 10148). */
  CONSUMER_NAME_IN_USE: 10013,
  /** JetStream is temporarily unavailable: a cluster without quorum, a meta leader being elected. */
  CLUSTER_NOT_AVAILABLE: 10008,
} as const;

/** The JetStream API error code of `err`, or undefined when it is not a JetStream API error. */
export function jetStreamCode(err: unknown): number | undefined {
  return err instanceof JetStreamApiError ? err.code : undefined;
}

function hasCode(err: unknown, ...codes: number[]): boolean {
  const code = jetStreamCode(err);
  return code !== undefined && codes.includes(code);
}

export function isStreamNotFound(err: unknown): boolean {
  return hasCode(err, JS_ERR.STREAM_NOT_FOUND);
}

/** A stream create failed because another process created it first (check that it is there after). */
export function isStreamTaken(err: unknown): boolean {
  return hasCode(err, JS_ERR.STREAM_NAME_IN_USE, JS_ERR.STREAM_SUBJECTS_OVERLAP);
}

/** A consumer create failed because a replica created that durable first: the shared queue to join. */
export function isConsumerTaken(err: unknown): boolean {
  return hasCode(err, JS_ERR.CONSUMER_ALREADY_EXISTS, JS_ERR.CONSUMER_NAME_IN_USE);
}

/** A compare-and-set write lost: the key exists (create) or changed since it was read (update). */
export function isWrongLastSequence(err: unknown): boolean {
  return hasCode(err, JS_ERR.WRONG_LAST_SEQUENCE, JS_ERR.WRONG_LAST_SEQUENCE_UNKNOWN);
}

export function isReplicasNotSupported(err: unknown): boolean {
  return hasCode(err, JS_ERR.REPLICAS_NOT_SUPPORTED);
}

/**
 * No JetStream answered the request (the client turns "no responders" on a JetStream API subject into this):
 * a server started without JetStream, or a cluster that has none to offer for the moment.
 */
export function isJetStreamMissing(err: unknown): boolean {
  return err instanceof jserrors.JetStreamNotEnabled;
}

/** How deep the transient check looks through `cause` (the client wraps a timeout in a RequestError). */
const MAX_CAUSE_DEPTH = 4;

/**
 * A failure that may pass if the same request is sent again shortly: a request that timed out or found no
 * responder, a connection that is reconnecting, JetStream unavailable while a cluster elects a leader (a 503).
 * A closed or draining connection is not: it will not come back.
 */
export function isTransientNatsError(err: unknown): boolean {
  let current = err;
  for (let depth = 0; current instanceof Error && depth < MAX_CAUSE_DEPTH; depth++) {
    if (
      current instanceof TimeoutError ||
      current instanceof RequestError ||
      current instanceof ConnectionError
    )
      return true;
    if (current instanceof jserrors.JetStreamNotEnabled) return current.cause instanceof RequestError;
    if (current instanceof JetStreamApiError)
      return current.status === 503 || current.code === JS_ERR.CLUSTER_NOT_AVAILABLE;
    current = current.cause;
  }
  return false;
}
