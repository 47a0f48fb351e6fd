import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ReviewRecorded } from "../protocol/messages.ts";
import { parseRunSubject, runReviewsSubject, STAGES } from "../protocol/subjects.ts";
import { readRunEvents } from "./run-events.ts";
import { runStartedEvent } from "./run-lookup.ts";

/** A review as the stream recorded it: its place in the stream is what a later decision must be based on. */
export interface RecordedReview {
  review: ReviewRecorded;
  seq: number;
}

/**
 * Whether a review sits on its own round's subject in its own run. One that does not was written past the
 * dashboard (which always files it there) and could name one round while guarding another's sequence: it is
 * not applied, by the dashboard or the export.
 */
export function reviewOnItsSubject(subject: string, review: ReviewRecorded): boolean {
  const filed = parseRunSubject(subject);
  return filed?.runId === review.runId && filed.stage === `${STAGES.reviewRecorded}.${review.roundId}`;
}

/**
 * Every review a run has recorded so far, in stream order (what curation/reviews.ts folds), read through an
 * ephemeral consumer that outlives nothing; undefined when the stream does not know the run (another server, a store
 * started afresh), so a caller can tell "no reviews" from "not the run's stream".
 */
export async function readRunReviews(
  nc: NatsConnection,
  runId: string,
): Promise<RecordedReview[] | undefined> {
  if (!(await runStartedEvent(await jetstreamManager(nc), runId))) return undefined;
  const events = await readRunEvents(jetstream(nc), runId, runReviewsSubject(runId));
  return events.flatMap(({ event, seq, subject }) =>
    event.type === "review.recorded.v1" && reviewOnItsSubject(subject, event) ? [{ review: event, seq }] : [],
  );
}
