import type { Msg, Subscription } from "@nats-io/nats-core";
import type { Bus } from "../bus/bus.ts";
import { type EventFollower, followRunEvents } from "../bus/run-events.ts";
import type { Logger } from "../log/logger.ts";
import { errorMessage } from "../protocol/errors.ts";
import { Heartbeat } from "../protocol/messages.ts";
import { allHeartbeatsSubject, allRunsSubject, parseRunSubject } from "../protocol/subjects.ts";
import type { RunBoard } from "./run-board.ts";

export interface RunSourceOptions {
  bus: Bus;
  board: RunBoard;
  /** Runs to follow; empty: every run on the stream, including runs that start later. */
  runIds: readonly string[];
  logger: Logger;
}

export interface RunSource {
  stop(): Promise<void>;
}

/**
 * Feeds the board from NATS: each run's recorded events from its first (ordered consumers, so the agents
 * never notice a reader), and agent heartbeats from core NATS. Reviews are published elsewhere (review-writer.ts).
 */
export async function followRunsInto({ bus, board, runIds, logger }: RunSourceOptions): Promise<RunSource> {
  const onInvalid = (subject: string, reason: string, seq: number) => {
    logger.warn({ subject, reason }, "skipped an invalid run event");
    const runId = parseRunSubject(subject)?.runId;
    if (runId) board.applySkipped(runId, subject, seq);
  };
  for (const runId of runIds) board.track(runId);
  const followers =
    runIds.length > 0
      ? await Promise.all(
          runIds.map((runId) => followRunEvents(bus.js, runId, { fromStart: true, onInvalid })),
        )
      : [await followRunEvents(bus.js, "", { fromStart: true, subject: allRunsSubject(), onInvalid })];
  const beatSubjects =
    runIds.length > 0 ? runIds.map((runId) => allHeartbeatsSubject(runId)) : [allHeartbeatsSubject()];
  const subscriptions = beatSubjects.map((subject) => bus.nc.subscribe(subject));
  const pumps = [
    ...followers.map((follower) => pumpEvents(follower, board, logger)),
    ...subscriptions.map((subscription) => pumpHeartbeats(subscription, board, logger)),
  ];
  return {
    stop: async () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await Promise.all(followers.map((follower) => follower.stop()));
      await Promise.all(pumps);
    },
  };
}

async function pumpEvents(follower: EventFollower, board: RunBoard, logger: Logger): Promise<void> {
  try {
    for await (const recorded of follower.events) {
      board.applyEvent(parseRunSubject(recorded.subject)?.runId ?? recorded.event.runId, recorded);
    }
  } catch (err) {
    logger.error({ err: errorMessage(err) }, "stopped following run events; restart the dashboard to resume");
  }
}

async function pumpHeartbeats(subscription: Subscription, board: RunBoard, logger: Logger): Promise<void> {
  for await (const msg of subscription) {
    const parsed = heartbeatOf(msg);
    if ("beat" in parsed) board.applyHeartbeat(parsed.beat);
    else logger.debug({ subject: msg.subject, reason: parsed.reason }, "skipped an invalid heartbeat");
  }
}

function heartbeatOf(msg: Msg): { beat: Heartbeat } | { reason: string } {
  let data: unknown;
  try {
    data = msg.json();
  } catch (err) {
    return { reason: `not JSON: ${errorMessage(err)}` };
  }
  const parsed = Heartbeat.safeParse(data);
  return parsed.success ? { beat: parsed.data } : { reason: parsed.error.issues[0]?.message ?? "invalid" };
}
