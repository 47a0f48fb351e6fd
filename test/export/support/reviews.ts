import { ReviewRecorded } from "../../../protocol/messages.ts";
import type { Sample } from "../../../protocol/schemas.ts";
import { sample } from "../../curation/support/samples.ts";
import { AT, question } from "../../support/fixtures.ts";

/**
 * Reviews of a run of six samples (s0..s5, rounds r0..r5, run "run-t"), each event built through the real
 * schema: r1 approved; r2 rejected; r3's question, reference answer and steps edited (with a `before` that does
 * not match the run's sample: the export takes the originals from the sample); r4's question edited, then
 * approved by someone else; r5 only assessed. r0 has no review.
 */

export const REVIEWED_SAMPLES: Sample[] = Array.from({ length: 6 }, (_, i) => sample(i));

export const BAG_TEXT = `${question.text} Add $1 for a bag.`;
export const BAG_STEPS = ["12 * 3 = 36", "36 * 0.75 = 27", "27 + 1 = 28"];
export const CLEARER_TEXT = "12 pens cost $3 each. With 25% off the total, what is paid?";

type ReviewFields = Omit<ReviewRecorded, "type" | "runId" | "at" | "producer" | "reviewId" | "basedOn">;

function event(fields: ReviewFields, i: number): ReviewRecorded {
  return ReviewRecorded.parse({
    type: "review.recorded.v1",
    runId: "run-t",
    at: AT,
    producer: "dashboard-test",
    reviewId: `review-${i}`,
    basedOn: 0,
    ...fields,
  });
}

export const REVIEWS: ReviewRecorded[] = (
  [
    { roundId: "r1", reviewer: "alice", action: "approve" },
    { roundId: "r2", reviewer: "bob", action: "reject", reason: "wrong_answer" },
    {
      roundId: "r3",
      reviewer: "alice",
      action: "edit",
      edits: { text: BAG_TEXT, referenceAnswer: "28", solutionSteps: BAG_STEPS },
      before: { text: "not what the run made", referenceAnswer: "26" },
    },
    { roundId: "r4", reviewer: "carol", action: "edit", edits: { text: CLEARER_TEXT } },
    { roundId: "r4", reviewer: "bob", action: "approve" },
    { roundId: "r5", reviewer: "bob", action: "assess", assessment: { valid: true } },
  ] satisfies ReviewFields[]
).map(event);

/** The reviews as the stream holds them: in order, each with its sequence. */
export const RECORDED_REVIEWS = REVIEWS.map((review, i) => ({ review, seq: i + 1 }));

/** A rejection of each of these rounds. */
export function rejectionsOf(roundIds: readonly string[]): { review: ReviewRecorded; seq: number }[] {
  return roundIds.map((roundId, i) => ({
    review: event({ roundId, reviewer: "dana", action: "reject", reason: "low_quality" }, 100 + i),
    seq: i + 1,
  }));
}
