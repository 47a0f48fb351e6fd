import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ReviewRecorded } from "../protocol/messages.ts";
import { runReviewsSubject } from "../protocol/subjects.ts";
import { readRunEvents } from "./run-events.ts";
import { runStartedEvent } from "./run-lookup.ts";

/** A review as the stream recorded it: its place in the stream is what a later decision must be based on. */
export interface RecordedReview {
  review: ReviewRecorded;
  seq: number;
}

/**
 * Every review a run has recorded so far, with how many messages on its review subjects were not reviews that
 * count (malformed, or filed under another round than they name: written past the dashboard), in stream order (what curation/reviews.ts folds), read through an
 * ephemeral consumer that outlives nothing; undefined when the stream does not know the run (another server, a store
 * started afresh), so a caller can tell "no reviews" from "not the run's stream".
 */
export async function readRunReviews(
  nc: NatsConnection,
  runId: string,
): Promise<{ reviews: RecordedReview[]; ignored: number } | undefined> {
  if (!(await runStartedEvent(await jetstreamManager(nc), runId))) return undefined;
  let ignored = 0;
  const events = await readRunEvents(jetstream(nc), runId, {
    subject: runReviewsSubject(runId),
    onInvalid: () => {
      ignored += 1;
    },
  });
  // readRunEvents skips a review filed under another round's subject than it names (filedWhereItBelongs).
  const reviews = events.flatMap(({ event, seq }) =>
    event.type === "review.recorded.v1" ? [{ review: event, seq }] : [],
  );
  return { reviews, ignored };
}
