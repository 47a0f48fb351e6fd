import { describe, expect, it } from "vitest";
import {
  allHeartbeatsSubject,
  durableName,
  heartbeatSubject,
  parseRunSubject,
  runEventsSubject,
  runStageSubject,
  STAGES,
} from "../../protocol/subjects.ts";

describe("subjects", () => {
  it("builds versioned run subjects and parses them back", () => {
    const subject = runStageSubject("run-1", STAGES.questionProposed);
    expect(subject).toBe("nf.v1.run.run-1.question.proposed");
    expect(parseRunSubject(subject)).toEqual({ runId: "run-1", stage: "question.proposed" });
    expect(runEventsSubject("run-1")).toBe("nf.v1.run.run-1.>");
  });

  it("rejects tokens that would change the subject's shape", () => {
    expect(() => runStageSubject("run.1", "round.opened")).toThrow(/run id/);
    expect(() => runStageSubject("run 1", "round.opened")).toThrow(/run id/);
    expect(() => runStageSubject("r", "bad stage")).toThrow(/stage/);
  });

  it("returns undefined for subjects outside the run space", () => {
    expect(parseRunSubject("nf.v1.hb.r.attacker.x")).toBeUndefined();
    expect(parseRunSubject("nf.v1.run.onlyrun")).toBeUndefined();
  });

  it("names durables per run, agent type and stage so replicas share one", () => {
    expect(durableName("r1", "judge", "answer.submitted")).toBe("r1_judge_answer-submitted");
    expect(heartbeatSubject("r1", "judge", "j-1")).toBe("nf.v1.hb.r1.judge.j-1");
    expect(allHeartbeatsSubject()).toBe("nf.v1.hb.*.>");
  });
});
