import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { settleWithin } from "../core/settle-within.ts";
import { backoffDelayMs } from "../llm/retry-policy.ts";
import type { Logger } from "../log/logger.ts";
import { SystemError } from "../protocol/errors.ts";
import type { RunEvent } from "../protocol/messages.ts";
import { runStageSubject, STREAM_NAME } from "../protocol/subjects.ts";
import { followRunEvents } from "./run-events.ts";

/**
 * Keeps a local view (a replica's question store) up to date with one stage of a run: every event of the
 * stage, from the run's first, is applied in stream order, then each new one as it is recorded. `caughtUp`
 * lets a reader wait until the view holds everything the stream held when it asked: read-your-peers'-writes
 * across hosts without any state outside NATS.
 */

export interface EventTail {
  /** Resolves once every event of the stage recorded before the call has been applied; rejects if applying failed for good. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface TailOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  runId: string;
  stage: string;
  /** Applies one event; must be idempotent (a re-opened consumer may show an event twice). */
  apply(event: RunEvent): Promise<void>;
  logger: Logger;
}

/**
 * An event that cannot be applied (the store's disk is full for a while) is tried again, with backoff, for as
 * long as it takes: the tail never skips one, and readers wait (up to CAUGHT_UP_PATIENCE_MS each) meanwhile.
 */
const APPLY_BACKOFF = { baseDelayMs: 200, maxDelayMs: 5000 };
/** How long one caughtUp waits before it says the view is behind. */
const CAUGHT_UP_PATIENCE_MS = 30_000;

interface Waiter {
  seq: number;
  resolve(): void;
  reject(err: Error): void;
}

export async function tailRunStage(options: TailOptions): Promise<EventTail> {
  const subject = runStageSubject(options.runId, options.stage);
  let applied = 0;
  let failure: Error | undefined;
  let waiters: Waiter[] = [];

  const advance = (seq: number) => {
    applied = Math.max(applied, seq);
    const ready = waiters.filter((w) => w.seq <= applied);
    waiters = waiters.filter((w) => w.seq > applied);
    for (const waiter of ready) waiter.resolve();
  };
  const fail = (err: Error) => {
    failure = err;
    for (const waiter of waiters) waiter.reject(err);
    waiters = [];
  };

  const follower = await followRunEvents(options.js, options.runId, {
    fromStart: true,
    subject,
    // A message that is no run event is skipped, but it still counts as read.
    onInvalid: (_subject, reason, seq) => {
      options.logger.warn({ subject, reason, seq }, "skipped an invalid event");
      advance(seq);
    },
  });

  let stopping = false;
  const applyWithRetries = async (event: RunEvent) => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        return await options.apply(event);
      } catch (err) {
        options.logger.warn({ subject, attempt, err: String(err) }, "applying an event failed; trying again");
        await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, APPLY_BACKOFF)));
      }
    }
  };

  const loop = (async () => {
    try {
      for await (const { seq, event } of follower.events) {
        await applyWithRetries(event);
        advance(seq);
      }
    } catch (err) {
      fail(
        new SystemError(`cannot keep up with ${subject}: ${(err as Error).message}`, {
          cause: err,
        }),
      );
    }
  })();

  return {
    caughtUp: async () => {
      if (failure) throw failure;
      const last = (await options.jsm.streams.getMessage(STREAM_NAME, { last_by_subj: subject }))?.seq ?? 0;
      if (last <= applied) return;
      if (failure) throw failure;
      const waiter = new Promise<void>((resolve, reject) => waiters.push({ seq: last, resolve, reject }));
      await settleWithin(
        CAUGHT_UP_PATIENCE_MS,
        waiter,
        () =>
          new SystemError(
            `this replica's view is ${CAUGHT_UP_PATIENCE_MS / 1000} s behind ${subject} (at ${applied} of ${last}); is its store writable?`,
          ),
      );
    },
    stop: async () => {
      stopping = true;
      await follower.stop();
      await loop;
      fail(new SystemError(`stopped following ${subject}`));
    },
  };
}
