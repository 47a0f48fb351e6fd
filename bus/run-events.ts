import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  type OrderedConsumerOptions,
} from "@nats-io/jetstream";
import { ERROR_CODE_HEADER, type ErrorCode, isErrorCode, SystemError } from "../protocol/errors.ts";
import { RunEvent } from "../protocol/messages.ts";
import { parseRunSubject, runEventsSubject, STAGES, STREAM_NAME } from "../protocol/subjects.ts";

export interface RecordedEvent {
  seq: number;
  subject: string;
  event: RunEvent;
  /** The ERROR_CODE_HEADER of an event published because of a failure (a dead letter, a failed close). */
  errorCode?: ErrorCode;
}

/** The recorded form of a valid event: its place in the stream and the error code its headers carry. */
function recorded(msg: JsMsg, event: RunEvent): RecordedEvent {
  const header = msg.headers?.get(ERROR_CODE_HEADER);
  return isErrorCode(header)
    ? { seq: msg.seq, subject: msg.subject, event, errorCode: header }
    : { seq: msg.seq, subject: msg.subject, event };
}

export interface FollowOptions {
  /** Replay the run from its first event; otherwise start with new events. */
  fromStart: boolean;
  /** Subject filter; default: every event of the run. */
  subject?: string;
  /** Called for messages that are not valid run events (they are skipped), with their place in the stream. */
  onInvalid?(subject: string, reason: string, seq: number): void;
}

export interface EventFollower {
  events: AsyncGenerator<RecordedEvent>;
  stop(): Promise<void>;
}

/** A follower that has heard nothing for this long re-opens its consumer where it stopped. */
const REOPEN_AFTER_SILENCE_MS = 10_000;
const REOPEN_RETRY_MS = 500;

/**
 * Follows one run's events in stream order through an ordered (ephemeral) consumer: no state on the server,
 * so any number of readers (recorder, tap, dashboard) can follow a run without affecting the agents.
 *
 * An ordered consumer can go quiet for good when the cluster node holding it goes away, so a follower that
 * hears nothing for a while opens a new one just after the last event it saw; events seen twice are skipped.
 */
export async function followRunEvents(
  js: JetStreamClient,
  runId: string,
  options: FollowOptions,
): Promise<EventFollower> {
  const filter = options.subject ?? runEventsSubject(runId);
  const openedAt = new Date().toISOString();
  let lastSeq = 0;
  let lastHeard = Date.now();
  let stopped = false;

  const open = async (): Promise<ConsumerMessages> => {
    const start: Partial<OrderedConsumerOptions> =
      lastSeq > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSeq + 1 }
        : options.fromStart
          ? { deliver_policy: DeliverPolicy.All }
          : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: openedAt };
    const consumer = await js.consumers.get(STREAM_NAME, { filter_subjects: filter, ...start });
    return consumer.consume();
  };
  const reopen = async (): Promise<ConsumerMessages | undefined> => {
    while (!stopped) {
      try {
        return await open();
      } catch {
        // The cluster is still electing leaders: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, REOPEN_RETRY_MS));
      }
    }
    return undefined;
  };

  let current: ConsumerMessages | undefined = await open();
  const watchdog = setInterval(() => {
    if (Date.now() - lastHeard < REOPEN_AFTER_SILENCE_MS) return;
    lastHeard = Date.now();
    current?.stop();
  }, REOPEN_AFTER_SILENCE_MS / 4);
  watchdog.unref();

  async function* events(): AsyncGenerator<RecordedEvent> {
    try {
      while (!stopped) {
        const messages = current ?? (await reopen());
        if (!messages) return;
        current = messages;
        for await (const msg of messages) {
          lastHeard = Date.now();
          if (msg.seq <= lastSeq) continue;
          lastSeq = msg.seq;
          const event = parseRunEvent(msg, options);
          if (event) yield recorded(msg, event);
        }
        current = undefined;
      }
    } finally {
      clearInterval(watchdog);
    }
  }
  const iterator = events();
  return {
    events: iterator,
    // Stopping the consumer ends a pending read (or one never started); returning the generator ends one parked at a yield.
    stop: async () => {
      stopped = true;
      clearInterval(watchdog);
      current?.stop();
      await iterator.return(undefined);
    },
  };
}

/**
 * Whether an event sits where its publisher files it: under its own run, and a review under its own round's
 * subject. Anyone who may publish to the stream can file a message anywhere; one that says it is about another
 * run or round than its subject would be counted there, or would guard another round's sequence, so every
 * reader skips it.
 */
export function filedWhereItBelongs(subject: string, event: RunEvent): boolean {
  const filed = parseRunSubject(subject);
  if (filed?.runId !== event.runId) return false;
  return event.type !== "review.recorded.v1" || filed.stage === `${STAGES.reviewRecorded}.${event.roundId}`;
}

function parseRunEvent(msg: JsMsg, options: Pick<FollowOptions, "onInvalid">): RunEvent | undefined {
  let json: unknown;
  try {
    json = msg.json();
  } catch (err) {
    options.onInvalid?.(msg.subject, `not JSON: ${(err as Error).message}`, msg.seq);
    return undefined;
  }
  const parsed = RunEvent.safeParse(json);
  if (parsed.success && !filedWhereItBelongs(msg.subject, parsed.data)) {
    options.onInvalid?.(msg.subject, `filed under another run's or round's subject than it names`, msg.seq);
    return undefined;
  }
  if (parsed.success) return parsed.data;
  options.onInvalid?.(msg.subject, parsed.error.issues[0]?.message ?? "invalid", msg.seq);
  return undefined;
}

/** How long a read of a run's events waits for events the server has promised before it gives up. */
const READ_STALL_MS = 30_000;

export interface ReadOptions {
  /** A part of the run's subjects; default all of them. */
  subject?: string;
  /** Called for messages that are not valid run events (they are skipped). */
  onInvalid?(subject: string, reason: string, seq: number): void;
}

/** Reads every event a run has recorded so far (or those on `subject`), then stops. */
export async function readRunEvents(
  js: JetStreamClient,
  runId: string,
  { subject = runEventsSubject(runId), onInvalid }: ReadOptions = {},
): Promise<RecordedEvent[]> {
  const consumer = await js.consumers.get(STREAM_NAME, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.All,
  });
  const events: RecordedEvent[] = [];
  /** Events the server says are still to come, as of the last one read. */
  let pending: number | undefined;
  let deadline = Date.now() + READ_STALL_MS;
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
    let got = 0;
    for await (const msg of batch) {
      got += 1;
      pending = msg.info.pending;
      const event = parseRunEvent(msg, { onInvalid });
      if (event) events.push(recorded(msg, event));
      if (pending === 0) return events;
    }
    if (got > 0) {
      deadline = Date.now() + READ_STALL_MS;
      continue;
    }
    // An empty fetch ends the read only when nothing was promised (a run with no events yet); otherwise the
    // server is busy or failing over, and stopping here would silently drop the rest of the run.
    if (pending === undefined) return events;
    if (Date.now() > deadline)
      throw new SystemError(
        `reading run ${runId}'s events stalled with ${pending} still to come; check that NATS is up and try again`,
        { code: "NATS_UNAVAILABLE" },
      );
  }
}
