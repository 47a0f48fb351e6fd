import { describe, expect, it } from "vitest";
import { formatEventLine } from "../../cli/event-line.ts";
import { subjectMatches, tapSubject } from "../../cli/tap-command.ts";
import { ReviewRecorded } from "../../protocol/messages.ts";
import { reviewStage, runStageSubject } from "../../protocol/subjects.ts";

const review = ReviewRecorded.parse({
  type: "review.recorded.v1",
  runId: "run-a",
  at: "2026-12-08T00:00:00.000Z",
  producer: "dashboard-host1",
  reviewId: "rv-1",
  roundId: "r000007",
  reviewer: "ada",
  action: "reject",
  reason: "wrong_answer",
  note: "the reference drops the second leg",
  assessment: { valid: false },
  basedOn: 0,
});

describe("tap and reviews", () => {
  it("shows who decided what about which round", () => {
    const line = formatEventLine({
      seq: 9,
      subject: runStageSubject("run-a", reviewStage("r000007")),
      event: review,
    });
    expect(line).toContain("r000007");
    expect(line).toContain("review.recorded");
    expect(line).toContain("ada reject (wrong_answer) · judged invalid · the reference drops the second leg");
  });

  it("takes --subject review.recorded to mean every round's reviews", () => {
    const subject = runStageSubject("run-a", reviewStage("r000007"));
    expect(subjectMatches(tapSubject("run-a", "review.recorded"), subject)).toBe(true);
    expect(subjectMatches(tapSubject(undefined, "review.recorded"), subject)).toBe(true);
    expect(subjectMatches(tapSubject("run-a", "round.closed"), subject)).toBe(false);
  });
});
