import { describe, expect, it } from "vitest";
import { createActor, fromPromise, toPromise } from "xstate";
import type { StageMachine } from "../../host/definition.ts";
import { attackerMachine, type GeneratedQuestion } from "../../machines/attacker.ts";
import {
  acceptanceMachine,
  type CommitResult,
  type PolicyDecision,
  type ScreenResult,
  screeningMachine,
} from "../../machines/curator.ts";
import { defenderMachine, type GivenAnswer } from "../../machines/defender.ts";
import type { StageOutput } from "../../machines/emission.ts";
import { type JudgeGrade, type JudgeVerification, judgeMachine } from "../../machines/judge.ts";
import { BudgetExceededError } from "../../protocol/errors.ts";
import type { QuestionProposed, RoundClosed } from "../../protocol/messages.ts";
import type { Verdict } from "../../protocol/schemas.ts";
import {
  AT,
  answerSubmitted,
  question,
  questionProposed,
  questionScreened,
  roundOpened,
  verdict,
  verdictIssued,
} from "../support/fixtures.ts";

/** A scripted actor: each call takes the next step; a call past the script fails the test. */
function scripted<T>(steps: Array<T | Error>) {
  let calls = 0;
  // biome-ignore lint/suspicious/noExplicitAny: a scripted fake ignores its input, so it fits any machine's actor slot
  const actor = fromPromise<T, any>(async () => {
    if (calls >= steps.length) throw new Error(`unexpected call ${calls + 1}`);
    const step = steps[calls++] as T | Error;
    if (step instanceof Error) throw step;
    return step;
  });
  return { actor, calls: () => calls, unused: () => steps.length - calls };
}

function firstMessage(output: StageOutput): unknown {
  const first = output.emit[0];
  if (!first) throw new Error("nothing was emitted");
  return first.message;
}

async function run<T>(machine: StageMachine<T>, message: T, maxAttempts = 2): Promise<StageOutput> {
  const actor = createActor(machine, { input: { message, now: AT, producer: "t", maxAttempts } });
  actor.start();
  return toPromise(actor);
}

const derivation = {
  blind: {
    output: { well_posed: true, problem: "", derived_answer: "27", reasoning: "36 less 25%" },
    evidence: [],
  },
};
const grade = {
  grading: { rubric: verdict.rubric as JudgeGrade["grading"]["rubric"], reason: "clear" },
};

function judgeWith(steps: {
  derive: Array<JudgeVerification | Error>;
  grade: Array<JudgeGrade | Error>;
  decide: Verdict[];
}) {
  const derive = scripted(steps.derive);
  const gradeStep = scripted(steps.grade);
  const decide = scripted(steps.decide);
  const machine = judgeMachine.provide({
    actors: { deriveAnswer: derive.actor, gradeSolution: gradeStep.actor, decideVerdict: decide.actor },
  });
  return { machine, derive, grade: gradeStep, decide };
}

describe("attacker machine", () => {
  it("publishes the proposed question", async () => {
    const generate = scripted<GeneratedQuestion>([{ question }]);
    const out = await run(
      attackerMachine.provide({ actors: { generateQuestion: generate.actor } }),
      roundOpened(),
    );
    expect(out.emit).toHaveLength(1);
    expect(out.emit[0]?.stage).toBe("question.proposed");
    const proposed = out.emit[0]?.message as QuestionProposed;
    expect(proposed.question.text).toBe(question.text);
    expect(generate.unused()).toBe(0);
  });

  it("retries an unusable answer, then closes the round as failed with the model's error", async () => {
    const generate = scripted<GeneratedQuestion>([new Error("not JSON"), new Error("still not JSON")]);
    const out = await run(
      attackerMachine.provide({ actors: { generateQuestion: generate.actor } }),
      roundOpened(),
      2,
    );
    expect(generate.calls()).toBe(2);
    const closed = out.emit[0]?.message as RoundClosed;
    expect(closed.type).toBe("round.closed.v1");
    expect(closed.status).toBe("failed");
    expect(closed.reasonCode).toBe("model_error");
    expect(closed.reason).toContain("still not JSON");
  });

  it("recovers when the second attempt succeeds", async () => {
    const generate = scripted<GeneratedQuestion>([new Error("truncated"), { question }]);
    const out = await run(
      attackerMachine.provide({ actors: { generateQuestion: generate.actor } }),
      roundOpened(),
      3,
    );
    expect(out.emit[0]?.stage).toBe("question.proposed");
    expect(generate.unused()).toBe(0);
  });
});

describe("defender and judge machines", () => {
  it("defender carries the question and novelty forward with its answer", async () => {
    const answer = scripted([{ answer: { reasoning: "r", finalAnswer: "27" } }]);
    const out = await run(
      defenderMachine.provide({ actors: { answerQuestion: answer.actor } }),
      questionScreened(),
    );
    const msg = out.emit[0]?.message as {
      type: string;
      answer: { finalAnswer: string };
      novelty: unknown;
    };
    expect(msg.type).toBe("answer.submitted.v1");
    expect(msg.answer.finalAnswer).toBe("27");
    expect(msg.novelty).toEqual(questionScreened().novelty);
  });

  it("judge derives blind, grades an upheld question, and publishes the verdict", async () => {
    const judge = judgeWith({
      derive: [{ ...derivation, worthGrading: true }],
      grade: [grade],
      decide: [verdict],
    });
    const out = await run(judge.machine, answerSubmitted());
    const msg = out.emit[0]?.message as { type: string; verdict: typeof verdict };
    expect(msg.type).toBe("verdict.issued.v1");
    expect(msg.verdict.outcome).toBe("attack_succeeded");
    expect([judge.derive.unused(), judge.grade.unused(), judge.decide.unused()]).toEqual([0, 0, 0]);
  });

  it("judge does not spend a grading call on a question its blind derivation rejects", async () => {
    const judge = judgeWith({
      derive: [{ ...derivation, worthGrading: false }],
      grade: [],
      decide: [verdict],
    });
    const out = await run(judge.machine, answerSubmitted());
    expect(out.emit[0]?.stage).toBe("verdict.issued");
    expect(judge.grade.calls()).toBe(0);
  });

  it("judge closes the round as failed when the model never derives usefully", async () => {
    const judge = judgeWith({ derive: [new Error("refused"), new Error("refused")], grade: [], decide: [] });
    const out = await run(judge.machine, answerSubmitted());
    const closed = firstMessage(out) as RoundClosed;
    expect(closed.status).toBe("failed");
    expect(closed.reason).toMatch(/could not derive the answer after 2 attempts: refused/);
    expect(judge.decide.calls()).toBe(0);
  });

  it("judge retries grading on its own attempt count, then fails the round", async () => {
    const judge = judgeWith({
      derive: [{ ...derivation, worthGrading: true }],
      grade: [new Error("truncated"), new Error("truncated")],
      decide: [],
    });
    const out = await run(judge.machine, answerSubmitted());
    const closed = firstMessage(out) as RoundClosed;
    expect(closed.reason).toMatch(/could not grade the reference solution after 2 attempts/);
    expect(judge.grade.calls()).toBe(2);
  });
});

describe("curator machines", () => {
  it("screening passes a novel question on and closes a duplicate", async () => {
    const novel = scripted<ScreenResult>([
      { passed: true, reason: "novel", novelty: { maxSimilarity: 0.3, source: "store" } },
    ]);
    const passed = await run(
      screeningMachine.provide({ actors: { screenQuestion: novel.actor } }),
      questionProposed(),
    );
    expect(passed.emit[0]?.stage).toBe("question.screened");

    const dup = scripted<ScreenResult>([
      {
        passed: false,
        reasonCode: "duplicate",
        reason: "0.97 to r000002",
        novelty: { maxSimilarity: 0.97, source: "in_flight" },
      },
    ]);
    const rejected = await run(
      screeningMachine.provide({ actors: { screenQuestion: dup.actor } }),
      questionProposed(),
    );
    const closed = rejected.emit[0]?.message as RoundClosed;
    expect(closed.status).toBe("rejected");
    expect(closed.reasonCode).toBe("duplicate");
    expect(closed.novelty?.maxSimilarity).toBe(0.97);
  });

  it("acceptance commits an item the policy accepts", async () => {
    const policy = scripted<PolicyDecision>([{ accept: true, reason: "L4 attack" }]);
    const commit = scripted<CommitResult>([{ committed: true, reason: "accepted 1 of 20" }]);
    const release = scripted<void>([]);
    const out = await run(
      acceptanceMachine.provide({
        actors: { applyPolicy: policy.actor, commitSample: commit.actor, releaseQuestion: release.actor },
      }),
      verdictIssued(),
    );
    const closed = out.emit[0]?.message as RoundClosed;
    expect(closed.status).toBe("accepted");
    expect(release.calls()).toBe(0);
  });

  it("acceptance releases the reservation of a rejected item and says why", async () => {
    const policy = scripted<PolicyDecision>([
      { accept: false, reasonCode: "quality_band", reason: "L2 is outside L4" },
    ]);
    const commit = scripted<CommitResult>([]);
    const release = scripted<void>([undefined]);
    const out = await run(
      acceptanceMachine.provide({
        actors: { applyPolicy: policy.actor, commitSample: commit.actor, releaseQuestion: release.actor },
      }),
      verdictIssued(),
    );
    expect(release.unused()).toBe(0);
    const closed = out.emit[0]?.message as RoundClosed;
    expect(closed.status).toBe("rejected");
    expect(closed.reasonCode).toBe("quality_band");
    expect(closed.reason).toContain("L2");
    expect(commit.calls()).toBe(0);
  });

  it("a commit that finds a near-duplicate kept first is a rejection, not an acceptance", async () => {
    const policy = scripted<PolicyDecision>([{ accept: true, reason: "ok" }]);
    const commit = scripted<CommitResult>([
      { committed: false, reasonCode: "duplicate", reason: "0.95 to r000004, kept first" },
    ]);
    const out = await run(
      acceptanceMachine.provide({
        actors: {
          applyPolicy: policy.actor,
          commitSample: commit.actor,
          releaseQuestion: scripted<void>([]).actor,
        },
      }),
      verdictIssued(),
    );
    expect((firstMessage(out) as RoundClosed).reasonCode).toBe("duplicate");
  });
});

describe("a budget refusal", () => {
  const refused = () => new BudgetExceededError("token budget of 1000 reached: 990 spent or reserved");

  it("cancels the round at once, without a second attempt, in every stage that calls a model", async () => {
    const attacker = scripted<GeneratedQuestion>([refused()]);
    const defender = scripted<GivenAnswer>([refused()]);
    const judge = judgeWith({ derive: [refused()], grade: [], decide: [] });
    const outs = [
      await run(attackerMachine.provide({ actors: { generateQuestion: attacker.actor } }), roundOpened(), 3),
      await run(
        defenderMachine.provide({ actors: { answerQuestion: defender.actor } }),
        questionScreened(),
        3,
      ),
      await run(judge.machine, answerSubmitted(), 3),
    ];
    for (const out of outs) {
      expect(firstMessage(out)).toMatchObject({
        type: "round.closed.v1",
        status: "cancelled",
        reasonCode: "budget",
        reason: expect.stringMatching(/^round cancelled: token budget of 1000 reached/),
      });
    }
    expect([attacker.calls(), defender.calls(), judge.derive.calls()]).toEqual([1, 1, 1]);
  });

  it("after the blind derivation, still cancels rather than fails the grading", async () => {
    const judge = judgeWith({
      derive: [{ ...derivation, worthGrading: true }],
      grade: [refused()],
      decide: [],
    });
    const out = await run(judge.machine, answerSubmitted(), 3);
    expect(firstMessage(out)).toMatchObject({ status: "cancelled", reasonCode: "budget" });
    expect(judge.grade.calls()).toBe(1);
  });
});
