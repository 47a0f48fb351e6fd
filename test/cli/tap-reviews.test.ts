import { describe, expect, it } from "vitest";
import { formatEventLine } from "../../cli/event-line.ts";
import { subjectMatches, tapSubject } from "../../cli/tap-command.ts";
import { ReviewRecorded } from "../../protocol/messages.ts";
import { reviewStage, runStageSubject } from "../../protocol/subjects.ts";
import { roundEvents } from "../dashboard/crafted-events.ts";

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

describe("tap and text from the stream", () => {
  it("shows controls in any field as codes: ids, skills, producers and model text alike", () => {
    const hostile = "\u001b]0;PWN\u0007\u001b[2K";
    const [opened] = roundEvents({ runId: "run-a", seq: 1, end: { kind: "duplicate" } });
    if (opened?.type !== "round.opened.v1") throw new Error("crafted events changed");
    const event = {
      ...opened,
      producer: `attacker${hostile}`,
      spec: { ...opened.spec, skill: hostile, roundId: hostile },
    };
    const line = formatEventLine({ seq: 1, subject: runStageSubject("run-a", "round.opened"), event });
    for (const acting of ["\u0007", "\u001b]", "\u001b[2K"]) expect(line).not.toContain(acting);
    expect(line).toContain("\\u{1b}]0;PWN");
  });
});
