import type { ReviewBook } from "../curation/reviews.ts";
import type { RoundDetail, RoundQuery } from "./wire.ts";

/**
 * The round list's filters and full-text search, over every round of a run (not only the newest ones the
 * snapshot carries). Search is by words: each must appear, case-insensitively, somewhere in the round's text.
 */

/** Each round's searchable text, made once per version of the round (rounds are replaced, never mutated). */
const haystacks = new WeakMap<RoundDetail, string>();

function haystackOf(round: RoundDetail): string {
  let text = haystacks.get(round);
  if (text === undefined) {
    const { spec, question, answer, verdict, decision } = round;
    text = [
      spec.roundId,
      spec.skill,
      spec.domain,
      question?.text,
      ...Object.values(question?.options ?? {}),
      question?.referenceAnswer,
      ...(question?.solutionSteps ?? []),
      answer?.finalAnswer,
      answer?.reasoning,
      verdict?.reason,
      verdict?.validityReason,
      decision?.reason,
    ]
      .filter((part): part is string => part !== undefined)
      .join("\n")
      .toLowerCase();
    haystacks.set(round, text);
  }
  return text;
}

function words(q: string | undefined): string[] {
  return (q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
}

export interface QueryContext {
  reviews: ReviewBook;
  /** The review queue's reasons for a round (empty: not flagged). */
  flagsOf(round: RoundDetail): readonly string[];
}

function reviewMatches(
  wanted: NonNullable<RoundQuery["review"]>,
  round: RoundDetail,
  context: QueryContext,
): boolean {
  const status = context.reviews.get(round.spec.roundId)?.status;
  switch (wanted) {
    case "unreviewed":
      return status === undefined;
    case "flagged":
      return (
        status === undefined && round.decision?.status === "accepted" && context.flagsOf(round).length > 0
      );
    default:
      return status === wanted;
  }
}

/** Whether a round passes every filter of the query. */
export function matchesQuery(round: RoundDetail, query: RoundQuery, context: QueryContext): boolean {
  const { spec, decision, verdict } = round;
  if (query.status === "open" ? decision !== undefined : query.status && decision?.status !== query.status)
    return false;
  if (query.level && !(verdict?.valid && verdict.level === query.level)) return false;
  if (query.reason && decision?.reasonCode !== query.reason) return false;
  if (query.skill && spec.skill !== query.skill) return false;
  if (query.domain && spec.domain !== query.domain) return false;
  if (query.complexity && spec.complexity !== query.complexity) return false;
  if (query.review && !reviewMatches(query.review, round, context)) return false;
  const needles = words(query.q);
  if (needles.length > 0) {
    // Reviewers' edits are searched too: a fixed question is found by its new words.
    const edits = context.reviews.get(spec.roundId)?.edits;
    const haystack = edits
      ? `${haystackOf(round)}\n${Object.values(edits).flat().join("\n").toLowerCase()}`
      : haystackOf(round);
    if (!needles.every((word) => haystack.includes(word))) return false;
  }
  return true;
}
