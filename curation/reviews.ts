import { Map as ImmutableMap } from "immutable";
import type { ReviewRecorded } from "../protocol/messages.ts";
import {
  EDITED_FIELDS,
  type EditedField,
  INVALIDATING_REASONS,
  type QuestionEdits,
  type ReviewAssessment,
  type ReviewReason,
  VALID_BUT_REJECTED_REASONS,
} from "../protocol/review.ts";
import type { Question, Sample } from "../protocol/schemas.ts";

/**
 * What people decided about a run's rounds, folded from its review events in stream order. The last approve,
 * reject or edit of a round decides it; edits add up (a later edit of a field wins); an approval after an edit
 * keeps the edited version. Assessments are kept per reviewer, the latest of each, for agreement with the Judge.
 */

export type ReviewStatus = "approved" | "rejected" | "edited";

export interface ReviewedRound {
  roundId: string;
  /** Undefined while only assessed. */
  status?: ReviewStatus;
  reason?: ReviewReason;
  note?: string;
  /** Every field any edit changed, at its latest value. */
  edits: QuestionEdits | Record<string, never>;
  /** Each edited field as it was before its first edit: what the run produced. */
  original: Partial<Pick<Question, EditedField>>;
  /** The latest assessment of each reviewer, explicit or implied by their decision. */
  assessments: ReadonlyMap<string, ReviewAssessment>;
  /** The reviewers who decided or assessed it, in order of first appearance. */
  reviewers: readonly string[];
  /** Stream sequence of the round's latest review: what the next decision must be based on. */
  lastSeq: number;
  lastAt: string;
  /** Every review of the round, oldest first. */
  history: readonly (ReviewRecorded & { seq: number })[];
}

/**
 * Per round, what reviewers made of it. A persistent map: each review shares the rest of the book with the book
 * before it, so a run with thousands of reviews folds in linear time.
 */
export type ReviewBook = ImmutableMap<string, ReviewedRound>;

export const EMPTY_BOOK: ReviewBook = ImmutableMap();

/**
 * What a decision says about validity when the reviewer did not say it outright: approving calls the sample
 * valid, rejecting it as wrong or ill-posed calls it invalid, and changing its reference answer says the answer
 * the Judge confirmed was not right. Other decisions say nothing about validity.
 */
export function impliedAssessment(review: ReviewRecorded): ReviewAssessment | undefined {
  if (review.assessment) return review.assessment;
  if (review.action === "approve") return { valid: true };
  if (review.action === "edit" && review.edits?.referenceAnswer !== undefined) return { valid: false };
  if (review.action === "reject" && review.reason) {
    if (INVALIDATING_REASONS.has(review.reason)) return { valid: false };
    if (VALID_BUT_REJECTED_REASONS.has(review.reason)) return { valid: true };
  }
  return undefined;
}

function decisionOf(action: ReviewRecorded["action"]): ReviewStatus | undefined {
  switch (action) {
    case "approve":
      return "approved";
    case "reject":
      return "rejected";
    case "edit":
      return "edited";
    case "assess":
      return undefined;
  }
}

/** Folds one review into the book. Pure: the book passed in is left as it was. */
export function foldReview(book: ReviewBook, review: ReviewRecorded, seq: number): ReviewBook {
  const before = book.get(review.roundId);
  const status = decisionOf(review.action);
  const merged: Record<string, unknown> = { ...before?.edits, ...review.edits };
  const original = { ...before?.original };
  for (const field of EDITED_FIELDS) {
    const was = review.before?.[field];
    if (review.edits?.[field] !== undefined && original[field] === undefined && was !== undefined)
      Object.assign(original, { [field]: was });
    // A field edited back to what the run produced is no longer an edit.
    if (original[field] !== undefined && sameValue(merged[field], original[field])) delete merged[field];
  }
  const edits = merged as QuestionEdits;
  const assessment = impliedAssessment(review);
  const assessments = new Map(before?.assessments);
  if (assessment) assessments.set(review.reviewer, assessment);
  // An approval keeps earlier edits (a rejection in between too): the status stays "edited" so the export and
  // the page say it was changed.
  const edited = Object.keys(edits).length > 0;
  const decided =
    (status === "approved" || status === "edited") && !edited
      ? "approved"
      : status === "approved" && edited
        ? "edited"
        : (status ?? before?.status);
  const round: ReviewedRound = {
    roundId: review.roundId,
    status: decided,
    reason: status ? (status === "rejected" ? review.reason : undefined) : before?.reason,
    note: review.note ?? (status ? undefined : before?.note),
    edits,
    original,
    assessments,
    reviewers: before?.reviewers.includes(review.reviewer)
      ? before.reviewers
      : [...(before?.reviewers ?? []), review.reviewer],
    lastSeq: seq,
    lastAt: review.at,
    history: [...(before?.history ?? []), { ...review, seq }],
  };
  return book.set(review.roundId, round);
}

/** Whether two field values (text or a list of steps) are the same: an edit to the same value changes nothing. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function reviewBook(reviews: readonly { review: ReviewRecorded; seq: number }[]): ReviewBook {
  return reviews.reduce<ReviewBook>((book, { review, seq }) => foldReview(book, review, seq), EMPTY_BOOK);
}

/** How the export's samples came out of review. */
export interface ReviewCounts {
  approved: number;
  rejected: number;
  edited: number;
  unreviewed: number;
  reviewers: string[];
}

/** A sample as the export writes it: with people's edits in, and what review made of it. */
export interface ReviewedSample {
  sample: Sample;
  review?: {
    status: ReviewStatus;
    reviewers: readonly string[];
    editedFields: EditedField[];
    /** Each edited field as the run kept it. */
    original: Partial<Pick<Question, EditedField>>;
  };
}

/** Applies the book to a run's samples: rejected samples leave, edited ones carry their edits. */
export function applyReviews(
  samples: readonly Sample[],
  book: ReviewBook,
): { samples: ReviewedSample[]; counts: ReviewCounts } {
  const counts: ReviewCounts = { approved: 0, rejected: 0, edited: 0, unreviewed: 0, reviewers: [] };
  const reviewers = new Set<string>();
  const kept: ReviewedSample[] = [];
  for (const sample of samples) {
    const reviewed = book.get(sample.roundId);
    for (const name of reviewed?.status ? reviewed.reviewers : []) reviewers.add(name);
    if (!reviewed?.status) {
      counts.unreviewed += 1;
      kept.push({ sample });
      continue;
    }
    if (reviewed.status === "rejected") {
      counts.rejected += 1;
      continue;
    }
    // Only what differs from the run's own sample is an edit.
    const editedFields = EDITED_FIELDS.filter(
      (field) =>
        reviewed.edits[field] !== undefined && !sameValue(reviewed.edits[field], sample.question[field]),
    );
    const edits = Object.fromEntries(editedFields.map((field) => [field, reviewed.edits[field]]));
    // The run's own sample is what the edits replaced, whatever the review events say it was.
    const original = Object.fromEntries(editedFields.map((field) => [field, sample.question[field]]));
    const status = editedFields.length > 0 ? "edited" : "approved";
    counts[status] += 1;
    kept.push({
      sample: { ...sample, question: { ...sample.question, ...edits } },
      review: { status, reviewers: reviewed.reviewers, editedFields, original },
    });
  }
  counts.reviewers = [...reviewers].sort();
  return { samples: kept, counts };
}
