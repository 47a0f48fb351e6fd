import type { Answer, Outcome, Question, ToolEvidence, Verdict } from "../core/schemas.ts";
import type { JudgeOutput } from "../llm/role-outputs.ts";
import { readOptionLetter } from "./answer-check.ts";
import { describeFindings, detectInjection, type InjectionFinding } from "./injection.ts";
import { formatNumber, numbersIn } from "./numbers.ts";
import type { DomainPack } from "./pack.ts";
import { COMPUTING_TOOLS } from "./pack-manifest.ts";
import { scoreRubric } from "./rubric.ts";

/**
 * The Judge's decision, made from evidence and deterministic checkers rather than from the Judge model's say:
 * the model can veto a question (ambiguous, unanswerable) but cannot pass one that tools or checkers reject,
 * and it has no say over whether the Defender was right. Text that addresses the grader therefore cannot buy
 * a verdict. A question that carries such text is also invalid: a training item that talks to its grader is
 * not a clean item, whatever its answer.
 */

export interface VerdictInput {
  pack: DomainPack;
  question: Question;
  answer: Answer;
  judgeOutput: JudgeOutput;
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
function checkChoiceReference(
  pack: DomainPack,
  question: Question,
  judgeOutput: JudgeOutput,
): ReferenceCheck {
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
  const agreement = pack.checkAnswer(judgeOutput.verified_answer, reference, options);
  if (!agreement.correct) {
    return {
      confirmed: false,
      verifiedAnswer: agreement.normalizedGiven ?? undefined,
      reason: `the Judge derived ${agreement.normalizedGiven ?? `"${judgeOutput.verified_answer}"`} but the reference answer is ${reference}`,
    };
  }
  return {
    confirmed: true,
    verifiedAnswer: reference,
    reason: `the Judge's own answer agrees with the reference answer ${reference}`,
  };
}

function checkReference(input: VerdictInput): ReferenceCheck {
  return input.pack.answerFormat === "numeric"
    ? checkNumericReference(input.pack, input.question, input.evidence)
    : checkChoiceReference(input.pack, input.question, input.judgeOutput);
}

function questionText(question: Question): string {
  return [
    question.text,
    ...Object.values(question.options ?? {}),
    question.referenceAnswer,
    ...question.solutionSteps,
  ].join("\n");
}

function injectionNotes(inQuestion: InjectionFinding[], inAnswer: InjectionFinding[]): string[] {
  return [
    ...(inQuestion.length > 0
      ? [`Injection attempt flagged in the question (${describeFindings(inQuestion)}).`]
      : []),
    ...(inAnswer.length > 0
      ? [`Injection attempt flagged in the Defender's answer (${describeFindings(inAnswer)}).`]
      : []),
  ];
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/[.\s]+$/, "");
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

export function decideVerdict(input: VerdictInput): Verdict {
  const { pack, question, answer, judgeOutput } = input;
  const injectionInQuestion = detectInjection(questionText(question));
  const injectionInAnswer = detectInjection(`${answer.reasoning}\n${answer.finalAnswer}`);
  const reference = checkReference(input);

  const validityFailures = [
    ...(injectionInQuestion.length > 0 ? ["the question addresses the grader instead of the solver"] : []),
    ...(reference.confirmed ? [] : [reference.reason]),
    ...(judgeOutput.valid ? [] : [`the Judge model found it invalid: ${judgeOutput.validity_reason}`]),
  ];
  const valid = validityFailures.length === 0;

  const correctness =
    reference.verifiedAnswer === undefined
      ? { correct: false, reason: "no verified answer to check the Defender's answer against" }
      : pack.checkAnswer(answer.finalAnswer, reference.verifiedAnswer, question.options);
  const { score, level } = scoreRubric(judgeOutput.rubric, pack.rubric);

  const outcome: Outcome = !valid
    ? "invalid_question"
    : correctness.correct
      ? "defended"
      : "attack_succeeded";
  const summary = {
    invalid_question: `Invalid question: ${validityFailures[0]}`,
    attack_succeeded: `Attack succeeded: the question is valid and the Defender's answer is wrong; ${correctness.reason}`,
    defended: `Defended: the Defender's answer is right; ${correctness.reason}`,
  }[outcome];

  return {
    valid,
    validityReason: sentence(
      (valid ? [reference.reason, judgeOutput.validity_reason] : validityFailures).filter(Boolean).join("; "),
    ),
    verifiedAnswer: reference.verifiedAnswer,
    defenderCorrect: correctness.correct,
    correctnessReason: sentence(correctness.reason),
    rubric: { ...judgeOutput.rubric },
    score,
    level,
    outcome,
    reason: [sentence(summary), ...injectionNotes(injectionInQuestion, injectionInAnswer)].join(" "),
    flags: [
      ...(injectionInQuestion.length > 0 ? ["injection:question"] : []),
      ...(injectionInAnswer.length > 0 ? ["injection:answer"] : []),
    ],
    evidence: [...input.evidence],
  };
}
