import { describe, expect, it } from "vitest";
import { applyReviews, impliedAssessment, reviewBook } from "../../curation/reviews.ts";
import { ReviewRecorded } from "../../protocol/messages.ts";
import type { Sample } from "../../protocol/schemas.ts";

const RUN = "run-rev";
/** A review as raw JSON, before the schema has seen it: the fields every test below keeps. */
const RAW = {
  type: "review.recorded.v1",
  runId: RUN,
  at: "x",
  producer: "p",
  reviewId: "r",
  roundId: "r1",
  basedOn: 0,
};

function review(
  seq: number,
  roundId: string,
  fields: Partial<ReviewRecorded> & Pick<ReviewRecorded, "action">,
): { review: ReviewRecorded; seq: number } {
  return {
    seq,
    review: ReviewRecorded.parse({
      type: "review.recorded.v1",
      runId: RUN,
      at: new Date(Date.UTC(2026, 11, 8, 0, 0, seq)).toISOString(),
      producer: "dashboard-test",
      reviewId: `rv-${seq}`,
      roundId,
      reviewer: "ada",
      basedOn: 0,
      ...fields,
    }),
  };
}

function sample(roundId: string): Sample {
  return {
    id: `s-${roundId}`,
    runId: RUN,
    roundId,
    domain: "math",
    skill: "rates",
    complexity: 3,
    question: {
      text: "How long?",
      referenceAnswer: "2 h",
      solutionSteps: ["60 / 30 = 2"],
      skill: "rates",
      hops: 1,
    },
    answer: { reasoning: "60 / 30", finalAnswer: "2 h" },
    verdict: {
      valid: true,
      validityReason: "derived",
      reason: "ok",
      flags: [],
      evidence: [],
      derivation: { wellPosed: true, problem: "", answer: "2 h", reasoning: "60 / 30" },
      verifiedAnswer: "2 h",
      defenderCorrect: true,
      correctnessReason: "same",
      rubric: {},
      score: 4,
      level: "L4",
      gradingReason: "clear",
      outcome: "defended",
    },
    novelty: { maxSimilarity: 0.2, source: "none" },
    attacker: "a",
    defender: "b",
    judge: "j",
    acceptedAt: "2026-12-08T00:00:00.000Z",
  };
}

describe("the review book", () => {
  it("decides by the last approve, reject or edit; an assessment changes no decision", () => {
    const book = reviewBook([
      review(1, "r1", { action: "reject", reason: "low_quality" }),
      review(2, "r1", { action: "approve", reviewer: "grace" }),
      review(3, "r1", { action: "assess", assessment: { valid: false } }),
    ]);
    const round = book.get("r1");
    expect(round?.status).toBe("approved");
    expect(round?.reviewers).toEqual(["ada", "grace"]);
    expect(round?.lastSeq).toBe(3);
    expect(round?.history.map((h) => h.seq)).toEqual([1, 2, 3]);
    expect(Object.fromEntries(round?.assessments ?? [])).toEqual({
      ada: { valid: false },
      grace: { valid: true },
    });
  });

  it("adds edits up, keeps the run's original of each field, and keeps them through a later approval", () => {
    const book = reviewBook([
      review(1, "r1", { action: "edit", edits: { text: "How long now?" }, before: { text: "How long?" } }),
      review(2, "r1", {
        action: "edit",
        edits: { text: "How long, exactly?", referenceAnswer: "2 hours" },
        before: { text: "How long now?", referenceAnswer: "2 h" },
      }),
      review(3, "r1", { action: "approve" }),
    ]);
    const round = book.get("r1");
    expect(round?.status).toBe("edited");
    expect(round?.edits).toEqual({ text: "How long, exactly?", referenceAnswer: "2 hours" });
    expect(round?.original).toEqual({ text: "How long?", referenceAnswer: "2 h" });
  });

  it("takes a field edited back to the run's own text for no edit at all", () => {
    const book = reviewBook([
      review(1, "r1", {
        action: "edit",
        edits: { referenceAnswer: "3 h" },
        before: { referenceAnswer: "2 h" },
      }),
      review(2, "r1", {
        action: "edit",
        edits: { referenceAnswer: "2 h" },
        before: { referenceAnswer: "3 h" },
      }),
    ]);
    expect(book.get("r1")).toMatchObject({ status: "approved", edits: {} });
    const { samples, counts } = applyReviews([sample("r1")], book);
    expect(samples[0]?.review).toMatchObject({ status: "approved", editedFields: [] });
    expect(counts).toMatchObject({ approved: 1, edited: 0 });
  });

  it("rejects after an edit: the sample leaves whatever its edits", () => {
    const book = reviewBook([
      review(1, "r1", { action: "edit", edits: { text: "Fixed?" }, before: { text: "How long?" } }),
      review(2, "r1", { action: "reject", reason: "ill_posed" }),
    ]);
    expect(book.get("r1")?.status).toBe("rejected");
    expect(book.get("r1")?.reason).toBe("ill_posed");
  });

  it("reads what a decision says about validity only where it says something", () => {
    const of = (fields: Parameters<typeof review>[2]) => impliedAssessment(review(1, "r1", fields).review);
    expect(of({ action: "approve" })).toEqual({ valid: true });
    expect(of({ action: "reject", reason: "wrong_answer" })).toEqual({ valid: false });
    expect(of({ action: "reject", reason: "low_quality" })).toEqual({ valid: true });
    expect(of({ action: "reject", reason: "duplicate" })).toBeUndefined();
    expect(of({ action: "edit", edits: { referenceAnswer: "3 h" } })).toEqual({ valid: false });
    expect(of({ action: "edit", edits: { text: "Clearer?" } })).toBeUndefined();
    expect(of({ action: "approve", assessment: { valid: true, level: "L3" } })).toEqual({
      valid: true,
      level: "L3",
    });
  });

  it("is refused by the schema when a decision lacks what it needs", () => {
    const base = { ...RAW, reviewer: "ada" };
    expect(ReviewRecorded.safeParse({ ...base, action: "reject" }).success).toBe(false);
    expect(ReviewRecorded.safeParse({ ...base, action: "edit" }).success).toBe(false);
    expect(ReviewRecorded.safeParse({ ...base, action: "approve", edits: { text: "x" } }).success).toBe(
      false,
    );
    expect(ReviewRecorded.safeParse({ ...base, action: "assess" }).success).toBe(false);
    expect(ReviewRecorded.safeParse({ ...base, action: "edit", edits: {} }).success).toBe(false);
    // Contradictions: a reason without a rejection, a call on validity the decision itself denies.
    expect(ReviewRecorded.safeParse({ ...base, action: "approve", reason: "other" }).success).toBe(false);
    expect(
      ReviewRecorded.safeParse({ ...base, action: "approve", assessment: { valid: false } }).success,
    ).toBe(false);
    expect(
      ReviewRecorded.safeParse({
        ...base,
        action: "reject",
        reason: "wrong_answer",
        assessment: { valid: true },
      }).success,
    ).toBe(false);
    // Controls in people's text would act on a terminal that prints it (tap).
    expect(
      ReviewRecorded.safeParse({
        ...base,
        action: "assess",
        assessment: { valid: true },
        note: "ok\u001b[2J",
      }).success,
    ).toBe(false);
    expect(
      ReviewRecorded.safeParse({ ...base, action: "edit", edits: { text: "evil\u202Etxt" } }).success,
    ).toBe(false);
    expect(ReviewRecorded.safeParse({ ...base, action: "edit", edits: { text: "two\nlines" } }).success).toBe(
      true,
    );
  });

  it("folds compatibility forms of a reviewer's name into one", () => {
    const base = { ...RAW, action: "approve" };
    const names = ["𝓪𝓭𝓪", "ada", "Jose\u0301", "José"].map(
      (reviewer) => ReviewRecorded.parse({ ...base, reviewer }).reviewer,
    );
    expect(names).toEqual(["ada", "ada", "José", "José"]);
  });
});

describe("applying reviews to samples", () => {
  it("leaves rejected samples out, puts edits in, and counts every sample once", () => {
    const book = reviewBook([
      review(1, "r1", { action: "reject", reason: "wrong_answer" }),
      review(2, "r2", {
        action: "edit",
        edits: { referenceAnswer: "120 min" },
        before: { referenceAnswer: "2 h" },
        reviewer: "grace",
      }),
      review(3, "r3", { action: "approve" }),
      review(4, "r4", { action: "assess", assessment: { valid: true } }),
      review(5, "r-not-a-sample", { action: "approve" }),
    ]);
    const { samples, counts } = applyReviews(["r1", "r2", "r3", "r4", "r5"].map(sample), book);
    expect(samples.map((s) => s.sample.roundId)).toEqual(["r2", "r3", "r4", "r5"]);
    expect(samples[0]?.sample.question.referenceAnswer).toBe("120 min");
    expect(samples[0]?.review).toMatchObject({
      status: "edited",
      editedFields: ["referenceAnswer"],
      original: { referenceAnswer: "2 h" },
    });
    expect(samples[1]?.review?.status).toBe("approved");
    expect(samples[2]?.review).toBeUndefined();
    expect(counts).toEqual({
      approved: 1,
      rejected: 1,
      edited: 1,
      unreviewed: 2,
      reviewers: ["ada", "grace"],
    });
  });
});
