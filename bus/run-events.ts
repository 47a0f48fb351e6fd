import { DeliverPolicy, type JetStreamClient } from "@nats-io/jetstream";
import { RunEvent } from "./messages.ts";
import { runEventsSubject, STREAM_NAME } from "./subjects.ts";

export interface RecordedEvent {
  seq: number;
  subject: string;
  event: RunEvent;
}

export interface FollowOptions {
  /** Replay the run from its first event; otherwise start with new events. */
  fromStart: boolean;
  /** Subject filter; default: every event of the run. */
  subject?: string;
  /** Called for messages that are not valid run events (they are skipped). */
  onInvalid?(subject: string, reason: string): void;
}

export interface EventFollower {
  events: AsyncGenerator<RecordedEvent>;
  stop(): Promise<void>;
}

/**
 * Follows one run's events in stream order through an ordered (ephemeral) consumer: no state on the server,
 * so any number of readers (recorder, tap, dashboard) can follow a run without affecting the agents.
 */
export async function followRunEvents(
  js: JetStreamClient,
  runId: string,
  options: FollowOptions,
): Promise<EventFollower> {
  const consumer = await js.consumers.get(STREAM_NAME, {
    filter_subjects: options.subject ?? runEventsSubject(runId),
    deliver_policy: options.fromStart ? DeliverPolicy.All : DeliverPolicy.New,
  });
  const messages = await consumer.consume();
  async function* events(): AsyncGenerator<RecordedEvent> {
    for await (const msg of messages) {
      let parsed: ReturnType<typeof RunEvent.safeParse>;
      try {
        parsed = RunEvent.safeParse(msg.json());
      } catch (err) {
        options.onInvalid?.(msg.subject, `not JSON: ${(err as Error).message}`);
        continue;
      }
      if (!parsed.success) {
        options.onInvalid?.(msg.subject, parsed.error.issues[0]?.message ?? "invalid");
        continue;
      }
      yield { seq: msg.seq, subject: msg.subject, event: parsed.data };
    }
  }
  const iterator = events();
  return {
    events: iterator,
    // Stopping the consumer ends a pending read (or one never started); returning the generator ends one parked at a yield.
    stop: async () => {
      messages.stop();
      await iterator.return(undefined);
    },
  };
}

/** Reads every event a run has recorded so far, then stops. */
export async function readRunEvents(js: JetStreamClient, runId: string): Promise<RecordedEvent[]> {
  const consumer = await js.consumers.get(STREAM_NAME, {
    filter_subjects: runEventsSubject(runId),
    deliver_policy: DeliverPolicy.All,
  });
  const recorded: RecordedEvent[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
    let got = 0;
    for await (const msg of batch) {
      got += 1;
      const parsed = RunEvent.safeParse(msg.json());
      if (parsed.success) recorded.push({ seq: msg.seq, subject: msg.subject, event: parsed.data });
      if (msg.info.pending === 0) return recorded;
    }
    if (got === 0) return recorded;
  }
}
