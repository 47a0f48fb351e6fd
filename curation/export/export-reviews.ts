import type { Sample } from "../../protocol/schemas.ts";
import { applyReviews, type ReviewBook, type ReviewCounts, type ReviewedSample } from "../reviews.ts";

/**
 * The human reviews an export applies: the run's reviews folded into a book (curation/reviews.ts) with a line
 * for the card saying where they came from ("stream nats://127.0.0.1:4222 (12 reviews)", "dashboard"), or
 * "ignored" when the caller chose to export the samples as the run kept them. No reviews at all: none were read.
 */
export type ExportReviews = { book: ReviewBook; source: string } | "ignored";

/** What the export did about reviews: the card and the command's report say it. */
export type ReviewOutcome =
  | { state: "unread" }
  | { state: "ignored" }
  | {
      state: "applied";
      source: string;
      counts: ReviewCounts;
      /** Exported samples whose reference answer a reviewer changed: no Judge verified the new one. */
      answerEdits: number;
    };

/** The run's samples as the export writes them, and what reviews did to them. */
export function reviewedSamples(
  samples: readonly Sample[],
  reviews: ExportReviews | undefined,
): { samples: ReviewedSample[]; outcome: ReviewOutcome } {
  if (reviews === undefined || reviews === "ignored")
    return {
      samples: samples.map((sample) => ({ sample })),
      outcome: { state: reviews === undefined ? "unread" : "ignored" },
    };
  const applied = applyReviews(samples, reviews.book);
  const answerEdits = applied.samples.filter((s) =>
    s.review?.editedFields.includes("referenceAnswer"),
  ).length;
  return {
    samples: applied.samples,
    outcome: { state: "applied", source: reviews.source, counts: applied.counts, answerEdits },
  };
}
