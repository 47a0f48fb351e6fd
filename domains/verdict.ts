import type { JudgeDerivation, JudgeGrading } from "../protocol/role-outputs.ts";
import type {
  Answer,
  Derivation,
  InvalidVerdict,
  Question,
  ToolEvidence,
  ValidVerdict,
  Verdict,
} from "../protocol/schemas.ts";
import { readOptionLetter } from "./answer-check.ts";
import { describeFindings, detectInjection, type InjectionFinding } from "./injection.ts";
import { formatNumber, numbersIn } from "./numbers.ts";
import type { DomainPack } from "./pack.ts";
import { COMPUTING_TOOLS } from "./pack-manifest.ts";
import { scoreRubric } from "./rubric.ts";

/**
 * The Judge's decision, made from evidence and deterministic checkers rather than from the Judge model's say.
 * The model derives the answer blind (the question alone), so its check can be neither a transcription of the
 * reference solution nor swayed by the Defender; the reference is then compared with what it derived by the
 * domain's checker. The model can veto a question (ill-posed) but cannot pass one the evidence contradicts,
 * and it has no say over whether the Defender was right. A question that addresses the grader is invalid: a
 * training item that talks to its grader is not a clean item, whatever its answer. The Defender's text never
 * reaches the Judge model at all; an injection attempt in it is recorded as a flag and changes nothing else.
 */

/** The blind phase: the model's derivation and the tool calls it made, before it saw any reference. */
export interface BlindDerivation {
  output: JudgeDerivation;
  evidence: readonly ToolEvidence[];
}

interface ReferenceCheck {
  confirmed: boolean;
  reason: string;
  /** The answer the evidence supports, even when it is not the reference. */
  verifiedAnswer?: string;
}

function isComputingEvidence(pack: DomainPack, item: ToolEvidence): boolean {
  return (
    item.ok && pack.tools.includes(item.tool) && (COMPUTING_TOOLS as readonly string[]).includes(item.tool)
  );
}

const TRUNCATION_NOTE = /\n\[output truncated:[^\]]*\]$/;

/** What a computation printed: the stdout section of a python result, without a truncation note. */
export function printedOutput(output: string): string {
  const text = output.replace(TRUNCATION_NOTE, "");
  const stdout = /^stdout:\n([\s\S]*?)(?:\n(?:stderr|error):\n|$)/.exec(text);
  return stdout ? (stdout[1] ?? "") : text;
}

/** Numeric packs: the last printed number of the last successful computation must match the reference. */
function checkNumericReference(
  pack: DomainPack,
  question: Question,
  evidence: readonly ToolEvidence[],
): ReferenceCheck {
  const results = evidence
    .filter((item) => isComputingEvidence(pack, item))
    .flatMap((item) => {
      const printed = numbersIn(printedOutput(item.output)).at(-1);
      return printed === undefined ? [] : [{ tool: item.tool, value: formatNumber(printed) }];
    });
  const last = results.at(-1);
  if (!last) {
    return {
      confirmed: false,
      reason: `reference answer could not be verified with tools: no successful ${COMPUTING_TOOLS.join(" or ")} result printed a number`,
    };
  }
  const check = pack.checkAnswer(last.value, question.referenceAnswer);
  if (check.normalizedExpected === null) {
    return {
      confirmed: false,
      verifiedAnswer: last.value,
      reason: `reference answer "${question.referenceAnswer}" is not a number`,
    };
  }
  const verdict = check.correct ? "confirms" : "contradicts";
  return {
    confirmed: check.correct,
    verifiedAnswer: last.value,
    reason: `${last.tool} result ${last.value} ${verdict} the reference answer ${check.normalizedExpected}`,
  };
}

/** Choice packs: the reference must be one of the options and agree with the answer the Judge derived. */
function checkChoiceReference(pack: DomainPack, question: Question, derived: string): ReferenceCheck {
  const options = question.options ?? {};
  const letters = Object.keys(options);
  if (letters.length < 2)
    return { confirmed: false, reason: "a multiple-choice question needs at least two options" };
  const reference = readOptionLetter(question.referenceAnswer, options);
  if (reference === undefined) {
    return {
      confirmed: false,
      reason: `reference answer "${question.referenceAnswer}" is not one of the options ${letters.join(", ")}`,
    };
  }
  const agreement = pack.checkAnswer(derived, reference, options);
  if (!agreement.correct) {
    return {
      confirmed: false,
      verifiedAnswer: agreement.normalizedGiven ?? undefined,
      reason: `the Judge derived ${agreement.normalizedGiven ?? `"${derived}"`} blind but the reference answer is ${reference}`,
    };
  }
  return {
    confirmed: true,
    verifiedAnswer: reference,
    reason: `the answer the Judge derived blind agrees with the reference answer ${reference}`,
  };
}

function checkReference(pack: DomainPack, question: Question, blind: BlindDerivation): ReferenceCheck {
  return pack.answerFormat === "numeric"
    ? checkNumericReference(pack, question, blind.evidence)
    : checkChoiceReference(pack, question, blind.output.derived_answer);
}

function questionText(question: Question): string {
  return [
    question.text,
    ...Object.values(question.options ?? {}),
    question.referenceAnswer,
    ...question.solutionSteps,
  ].join("\n");
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/[.\s]+$/, "");
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

/** Whether the question stands, from the blind derivation alone: what decides if it is worth grading. */
export interface QuestionAssessment {
  valid: boolean;
  /** Why it is invalid, most telling first; empty when valid. */
  failures: string[];
  reference: ReferenceCheck;
  injection: InjectionFinding[];
}

export function assessQuestion(
  pack: DomainPack,
  question: Question,
  blind: BlindDerivation,
): QuestionAssessment {
  const injection = detectInjection(questionText(question));
  const reference = checkReference(pack, question, blind);
  const { output } = blind;
  const failures = [
    ...(injection.length > 0 ? ["the question addresses the grader instead of the solver"] : []),
    ...(output.well_posed ? [] : [`the Judge found it ill-posed: ${output.problem || output.reasoning}`]),
    ...(reference.confirmed ? [] : [reference.reason]),
  ];
  return { valid: failures.length === 0, failures, reference, injection };
}

export interface VerdictInput {
  pack: DomainPack;
  question: Question;
  answer: Answer;
  blind: BlindDerivation;
  /** The grade of the reference solution; absent when the question was not worth grading. */
  grading?: JudgeGrading;
}

function recordedDerivation(output: JudgeDerivation): Derivation {
  return {
    wellPosed: output.well_posed,
    problem: output.problem,
    answer: output.derived_answer,
    reasoning: output.reasoning,
  };
}

function injectionNotes(inQuestion: InjectionFinding[], inAnswer: InjectionFinding[]): string[] {
  return [
    ...(inQuestion.length > 0
      ? [`Injection attempt flagged in the question (${describeFindings(inQuestion)}).`]
      : []),
    ...(inAnswer.length > 0
      ? [
          `Injection attempt flagged in the Defender's answer (${describeFindings(inAnswer)}); the Judge never saw it.`,
        ]
      : []),
  ];
}

export function decideVerdict(input: VerdictInput): Verdict {
  const { pack, question, answer, blind, grading } = input;
  const assessment = assessQuestion(pack, question, blind);
  const injectionInAnswer = detectInjection(`${answer.reasoning}\n${answer.finalAnswer}`);
  const common = {
    flags: [
      ...(assessment.injection.length > 0 ? ["injection:question"] : []),
      ...(injectionInAnswer.length > 0 ? ["injection:answer"] : []),
    ],
    evidence: [...blind.evidence],
    derivation: recordedDerivation(blind.output),
  };
  const notes = injectionNotes(assessment.injection, injectionInAnswer);
  const { verifiedAnswer } = assessment.reference;
  if (!assessment.valid || verifiedAnswer === undefined || grading === undefined) {
    const failures =
      assessment.failures.length > 0 ? assessment.failures : ["the reference solution was not graded"];
    const invalid: InvalidVerdict = {
      valid: false,
      validityReason: sentence(failures.join("; ")),
      ...(verifiedAnswer === undefined ? {} : { verifiedAnswer }),
      outcome: "invalid_question",
      reason: [sentence(`Invalid question: ${failures[0]}`), ...notes].join(" "),
      ...common,
    };
    return invalid;
  }
  const correctness = pack.checkAnswer(answer.finalAnswer, verifiedAnswer, question.options);
  const { score, level } = scoreRubric(grading.rubric, pack.rubric);
  const outcome = correctness.correct ? "defended" : "attack_succeeded";
  const summary = correctness.correct
    ? `Defended: the Defender's answer is right; ${correctness.reason}`
    : `Attack succeeded: the question is valid and the Defender's answer is wrong; ${correctness.reason}`;
  const valid: ValidVerdict = {
    valid: true,
    validityReason: sentence(
      [assessment.reference.reason, blind.output.reasoning].filter(Boolean).join("; "),
    ),
    verifiedAnswer,
    defenderCorrect: correctness.correct,
    correctnessReason: sentence(correctness.reason),
    rubric: { ...grading.rubric },
    score,
    level,
    gradingReason: grading.reason,
    outcome,
    reason: [sentence(summary), ...notes].join(" "),
    ...common,
  };
  return valid;
}
