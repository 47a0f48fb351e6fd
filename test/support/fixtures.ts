import type {
  AnswerSubmitted,
  QuestionProposed,
  QuestionScreened,
  RoundOpened,
  VerdictIssued,
} from "../../protocol/messages.ts";
import type { Question, RoundSpec, ValidVerdict } from "../../protocol/schemas.ts";

export const AT = "2026-01-01T00:00:00.000Z";

export function spec(overrides: Partial<RoundSpec> = {}): RoundSpec {
  return {
    runId: "run-t",
    roundId: "r000001",
    seq: 1,
    domain: "math",
    skill: "percentages",
    complexity: 3,
    attacker: "alpha",
    defender: "beta",
    judge: "judge",
    openedAt: AT,
    ...overrides,
  };
}

export const question: Question = {
  text: "A shop sells 12 pens at $3 each and gives 25% off the total. What is paid?",
  referenceAnswer: "27",
  solutionSteps: ["12 * 3 = 36", "36 * 0.75 = 27"],
  skill: "percentages",
  hops: 2,
};

export const verdict: ValidVerdict = {
  valid: true,
  validityReason: "python recomputed 27",
  verifiedAnswer: "27",
  defenderCorrect: false,
  correctnessReason: "defender said 30",
  rubric: {
    step_validity: 4,
    completeness: 4,
    explicit_checking: 3,
    structure_clarity: 4,
    multi_hop_depth: 4,
  },
  score: 3.8,
  level: "L4",
  gradingReason: "complete, numbered steps",
  outcome: "attack_succeeded",
  reason: "valid question, defender wrong",
  flags: [],
  evidence: [],
  derivation: { wellPosed: true, problem: "", answer: "27", reasoning: "36 less 25% is 27" },
};

const base = { runId: "run-t", at: AT, producer: "test" };
const novelty = { maxSimilarity: 0.2, source: "store" as const };

export const roundOpened = (s = spec()): RoundOpened => ({
  type: "round.opened.v1",
  ...base,
  spec: s,
});
export const questionProposed = (s = spec()): QuestionProposed => ({
  type: "question.proposed.v1",
  ...base,
  spec: s,
  question,
});
export const questionScreened = (s = spec()): QuestionScreened => ({
  ...questionProposed(s),
  type: "question.screened.v1",
  novelty,
});
export const answerSubmitted = (s = spec()): AnswerSubmitted => ({
  ...questionScreened(s),
  type: "answer.submitted.v1",
  answer: { reasoning: "12*3=36; 36-3=33... 30", finalAnswer: "30" },
});
export const verdictIssued = (s = spec()): VerdictIssued => ({
  ...answerSubmitted(s),
  type: "verdict.issued.v1",
  verdict,
});
