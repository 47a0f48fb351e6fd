import { checkAnswer, DEFAULT_TOLERANCE } from "../domains/answer-check.ts";
import { extractFinalAnswer } from "../domains/final-answer.ts";
import type { BenchmarkItem } from "./benchmark-formats.ts";

export interface Grade {
  /** The final answer read from the reply; null when none was found. */
  given: string | null;
  correct: boolean;
  reason: string;
}

/**
 * Grades a free-text reply: numbers by value (relative tolerance 1e-4), options by letter or by the option's
 * exact text (so "yes" counts for PubMedQA's option A "yes").
 */
export function gradeReply(item: BenchmarkItem, reply: string): Grade {
  const given = extractFinalAnswer(reply, item.kind);
  if (given === undefined)
    return { given: null, correct: false, reason: "no final answer found in the reply" };
  const check = checkAnswer(item.kind, given, item.answer, {
    options: item.options,
    tolerance: DEFAULT_TOLERANCE,
  });
  return { given, correct: check.correct, reason: check.reason };
}
