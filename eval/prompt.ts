/**
 * The plain-chat format of a reasoning item: the question (with its options), step-by-step reasoning, and a
 * closing "The answer is X". Evaluation asks in this format and training data is written in it, so a model
 * fine-tuned on NanoFlux data answers benchmarks the way they are graded.
 */

export const REASONING_SYSTEM_PROMPT =
  'Solve the problem. Reason step by step, one step per line, and end with a last line of the form "The answer is X".';

export type QuestionKind = "numeric" | "choice";

const ANSWER_FORMS: Record<QuestionKind, string> = {
  numeric: "X is a number",
  choice: "X is the letter of the correct option",
};

/** The user turn: the question, its options as "A. text" lines, and what X must be. */
export function renderQuestion(
  question: string,
  kind: QuestionKind,
  options?: Readonly<Record<string, string>>,
): string {
  const optionLines = Object.entries(options ?? {}).map(([letter, text]) => `${letter}. ${text}`);
  return [
    question.trim(),
    ...(optionLines.length > 0 ? ["", ...optionLines] : []),
    "",
    `(${ANSWER_FORMS[kind]}.)`,
  ].join("\n");
}

/** The closing line of a worked answer. */
export function renderAnswerLine(answer: string): string {
  return `The answer is ${answer.trim()}.`;
}
