import { describe, expect, it } from "vitest";
import { EMPTY_BOOK, type ReviewBook, reviewBook } from "../../curation/reviews.ts";
import { agreement } from "../../dashboard/agreement.ts";
import { Agreement } from "../../dashboard/wire.ts";
import type { ReviewRecorded } from "../../protocol/messages.ts";
import type { ReviewAssessment } from "../../protocol/review.ts";
import type { Level, Verdict } from "../../protocol/schemas.ts";

const derivation = { wellPosed: true, problem: "", answer: "12", reasoning: "3 * 4" };

/** The Judge's verdict: valid with a level, or invalid. */
function judged(call: Level | "invalid"): Verdict {
  if (call === "invalid")
    return {
      valid: false,
      validityReason: "the reference answer does not follow",
      reason: "invalid question",
      flags: [],
      evidence: [],
      derivation,
      outcome: "invalid_question",
    };
  return {
    valid: true,
    validityReason: "re-derived",
    reason: "sound",
    flags: [],
    evidence: [],
    derivation,
    verifiedAnswer: "12",
    defenderCorrect: true,
    correctnessReason: "same",
    rubric: { clarity: 4 },
    score: 4,
    level: call,
    gradingReason: "clear",
    outcome: "defended",
  };
}

/** A reviewer's call: a level (valid), valid without a level, or invalid. */
type ReviewerCall = Level | "valid" | "invalid";

function assessmentOf(call: ReviewerCall): ReviewAssessment {
  if (call === "invalid") return { valid: false };
  if (call === "valid") return { valid: true };
  return { valid: true, level: call };
}

function review(roundId: string, reviewer: string, fields: Partial<ReviewRecorded>): ReviewRecorded {
  return {
    type: "review.recorded.v1",
    runId: "run-1",
    at: "2025-01-01T00:00:00.000Z",
    producer: "dashboard",
    reviewId: `${roundId}-${reviewer}-${fields.action ?? "assess"}`,
    roundId,
    reviewer,
    action: "assess",
    basedOn: 0,
    ...fields,
  };
}

function assess(roundId: string, reviewer: string, call: ReviewerCall): ReviewRecorded {
  return review(roundId, reviewer, { action: "assess", assessment: assessmentOf(call) });
}

function bookOf(reviews: readonly ReviewRecorded[]): ReviewBook {
  return reviewBook(reviews.map((recorded, index) => ({ review: recorded, seq: index + 1 })));
}

/** One reviewer's view of `count` rounds for each row of (Judge's call, reviewer's call, count). */
function rated(
  rows: readonly (readonly [Level | "invalid", ReviewerCall, number])[],
  reviewer = "ana",
): { verdicts: Map<string, Verdict>; book: ReviewBook } {
  const verdicts = new Map<string, Verdict>();
  const reviews: ReviewRecorded[] = [];
  for (const [judge, call, count] of rows) {
    for (let copy = 0; copy < count; copy++) {
      const roundId = `r${verdicts.size}`;
      verdicts.set(roundId, judged(judge));
      reviews.push(assess(roundId, reviewer, call));
    }
  }
  return { verdicts, book: bookOf(reviews) };
}

function width([low, high]: [number, number]): number {
  return high - low;
}

describe("agreement between reviewers and the Judge", () => {
  it("matches the textbook 2x2 example: 70% observed, 50% by chance, kappa 0.4", () => {
    // Wikipedia, "Cohen's kappa": 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
    const { verdicts, book } = rated([
      ["L3", "valid", 20],
      ["L3", "invalid", 5],
      ["invalid", "valid", 10],
      ["invalid", "invalid", 15],
    ]);
    const { validity } = agreement(verdicts, book);
    expect(validity.n).toBe(50);
    expect(validity.observed).toBeCloseTo(0.7, 12);
    expect(validity.kappa).toBeCloseTo(0.4, 12);
  });

  it("weighs level disagreements by their squared distance", () => {
    // Judge L1 L2 L3 L1 L3 against reviewer L1 L2 L3 L2 L2. Observed squared distances 1 + 1 over 5 pairs;
    // by chance, with marginals (2,1,2) and (1,3,1): 2*3*1 + 2*1*4 + 1*1*1 + 1*1*1 + 2*1*4 + 2*3*1 = 30 over
    // 25. Weighted kappa = 1 - (2/5) / (30/25) = 2/3; unweighted it would be (3/5 - 7/25) / (1 - 7/25) = 4/9.
    const { verdicts, book } = rated([
      ["L1", "L1", 1],
      ["L2", "L2", 1],
      ["L3", "L3", 1],
      ["L1", "L2", 1],
      ["L3", "L2", 1],
    ]);
    const { level } = agreement(verdicts, book);
    expect(level.n).toBe(5);
    expect(level.observed).toBeCloseTo(3 / 5, 12);
    expect(level.kappa).toBeCloseTo(2 / 3, 12);
  });

  it("gives kappa 1 and a point interval for perfect agreement", () => {
    const { verdicts, book } = rated([
      ["L2", "L2", 6],
      ["L4", "L4", 6],
      ["invalid", "invalid", 8],
    ]);
    const result = agreement(verdicts, book);
    expect(result.validity).toEqual({ n: 20, observed: 1, kappa: 1, ci95: [1, 1] });
    expect(result.level).toEqual({ n: 12, observed: 1, kappa: 1, ci95: [1, 1] });
  });

  it("gives kappa 0 when the reviewer's calls are independent of the Judge's", () => {
    const { verdicts, book } = rated([
      ["L3", "valid", 10],
      ["L3", "invalid", 10],
      ["invalid", "valid", 10],
      ["invalid", "invalid", 10],
    ]);
    const { validity } = agreement(verdicts, book);
    expect(validity.observed).toBe(0.5);
    expect(validity.kappa).toBeCloseTo(0, 12);
    const [low, high] = validity.ci95 ?? [Number.NaN, Number.NaN];
    expect(low).toBeLessThan(0);
    expect(high).toBeGreaterThan(0);
  });

  it("reports nothing without pairs: no reviews, or reviews of rounds the Judge has not ruled on", () => {
    const none = { n: 0, observed: null, kappa: null, ci95: null };
    expect(agreement(new Map(), EMPTY_BOOK)).toEqual({ validity: none, level: none, reviewers: [] });
    const unjudged = bookOf([assess("r-open", "ana", "L2")]);
    expect(agreement(new Map([["r-other", judged("L2")]]), unjudged)).toEqual({
      validity: none,
      level: none,
      reviewers: [],
    });
  });

  it("leaves kappa undefined when both raters used one and the same category throughout", () => {
    const { verdicts, book } = rated([["L3", "L3", 10]]);
    const result = agreement(verdicts, book);
    expect(result.validity).toEqual({ n: 10, observed: 1, kappa: null, ci95: null });
    expect(result.level).toEqual({ n: 10, observed: 1, kappa: null, ci95: null });
  });

  it("says it cannot tell, rather than kappa 0, when only the Judge is stuck on one category", () => {
    const { verdicts, book } = rated([
      ["L3", "valid", 49],
      ["L3", "invalid", 1],
    ]);
    // Kappa would be exactly 0 beside 98% agreement: no better than chance, which is not what the data say.
    expect(agreement(verdicts, book).validity).toMatchObject({
      n: 50,
      observed: 0.98,
      kappa: null,
      ci95: null,
    });
  });

  it("stays cheap and keeps its interval with tens of thousands of pairs", () => {
    const { verdicts, book } = rated([
      ["L3", "valid", 12_000],
      ["L3", "invalid", 3_000],
      ["invalid", "valid", 2_000],
      ["invalid", "invalid", 5_000],
    ]);
    const { validity } = agreement(verdicts, book);
    expect(validity.n).toBe(22_000);
    expect(validity.ci95?.[0]).toBeLessThan(validity.kappa ?? Number.NaN);
    expect(validity.ci95?.[1]).toBeGreaterThan(validity.kappa ?? Number.NaN);
    expect(width(validity.ci95 ?? [0, 1])).toBeLessThan(0.05);
  });

  it("gives no interval for a single pair", () => {
    const { verdicts, book } = rated([["L3", "invalid", 1]]);
    expect(agreement(verdicts, book).validity).toEqual({ n: 1, observed: 0, kappa: null, ci95: null });
  });

  it("brackets the point estimate with an interval that narrows as pairs accumulate", () => {
    const table = (times: number) =>
      rated([
        ["L3", "valid", 20 * times],
        ["L3", "invalid", 5 * times],
        ["invalid", "valid", 10 * times],
        ["invalid", "invalid", 15 * times],
      ]);
    const small = table(1);
    const large = table(10);
    const few = agreement(small.verdicts, small.book).validity;
    const many = agreement(large.verdicts, large.book).validity;
    for (const { kappa, ci95 } of [few, many]) {
      expect(ci95?.[0]).toBeLessThanOrEqual(kappa ?? Number.NaN);
      expect(ci95?.[1]).toBeGreaterThanOrEqual(kappa ?? Number.NaN);
    }
    expect(width(many.ci95 ?? [0, Number.POSITIVE_INFINITY])).toBeLessThan(width(few.ci95 ?? [0, 0]) / 2);
  });

  it("gives the same result for the same pairs, whatever the order of the rounds", () => {
    const rows = [
      ["L2", "L3", 12],
      ["L4", "L4", 9],
      ["invalid", "invalid", 7],
      ["invalid", "L1", 4],
    ] as const;
    const first = rated(rows);
    const reversed = rated([...rows].reverse());
    const result = agreement(first.verdicts, first.book);
    expect(agreement(first.verdicts, first.book)).toEqual(result);
    expect(agreement(reversed.verdicts, reversed.book)).toEqual(result);
    expect(Agreement.safeParse(result).success).toBe(true);
  });

  it("pools every reviewer's pairs and splits them per reviewer, sorted by name", () => {
    const verdicts = new Map<string, Verdict>([
      ["r1", judged("L2")],
      ["r2", judged("invalid")],
      ["r3", judged("L4")],
    ]);
    const book = bookOf([
      assess("r1", "zoe", "invalid"),
      assess("r2", "zoe", "valid"),
      assess("r1", "ana", "L2"),
      assess("r2", "ana", "invalid"),
      assess("r3", "ana", "L3"),
      // Only a reviewer's latest call on a round counts.
      assess("r3", "ana", "L4"),
    ]);
    const result = agreement(verdicts, book);
    expect(result.reviewers.map(({ reviewer }) => reviewer)).toEqual(["ana", "zoe"]);
    const [ana, zoe] = result.reviewers;
    expect(ana?.validity).toMatchObject({ n: 3, observed: 1, kappa: 1 });
    expect(ana?.level).toMatchObject({ n: 2, observed: 1, kappa: 1 });
    expect(zoe?.validity).toMatchObject({ n: 2, observed: 0, kappa: -1 });
    expect(zoe?.level).toMatchObject({ n: 0, observed: null, kappa: null });
    expect(result.validity).toMatchObject({ n: 5, observed: 3 / 5 });
  });

  it("counts a level pair only where the Judge found the question valid and the reviewer gave a level", () => {
    const verdicts = new Map<string, Verdict>([
      ["graded", judged("L3")],
      ["approved", judged("L3")],
      ["invalid", judged("invalid")],
      ["rejected", judged("L5")],
    ]);
    const book = bookOf([
      assess("graded", "ana", "L2"),
      // Approving implies valid, but says nothing about the level.
      review("approved", "ana", { action: "approve" }),
      assess("invalid", "ana", "L1"),
      // Rejecting as ill-posed implies invalid.
      review("rejected", "ana", { action: "reject", reason: "ill_posed" }),
    ]);
    const result = agreement(verdicts, book);
    expect(result.validity).toMatchObject({ n: 4, observed: 2 / 4 });
    expect(result.level).toMatchObject({ n: 1, observed: 0 });
  });
});
