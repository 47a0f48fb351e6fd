import type { Sample } from "../../protocol/schemas.ts";
import type { ReviewedSample } from "../reviews.ts";

/**
 * What a fine-tuned model should see and say for one sample: the question (with its options) as the prompt,
 * and the reference solution, step by step, ending in the answer the Judge verified, or the reference answer a
 * reviewer put in its place.
 */

export const DEFAULT_SYSTEM_PROMPT =
  "Solve the problem step by step. Check each step, then give the result on its own last line as 'Final answer: ...'.";

export function promptText(sample: Sample): string {
  const { text, options } = sample.question;
  if (!options || Object.keys(options).length === 0) return text;
  const lines = Object.entries(options)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([letter, option]) => `${letter}. ${option}`);
  return `${text}\n\n${lines.join("\n")}`;
}

/** The Judge's verified answer, unless a reviewer has since changed the reference answer it verified. */
export function finalAnswer({ sample, review }: ReviewedSample): string {
  if (review?.editedFields.includes("referenceAnswer")) return sample.question.referenceAnswer;
  return sample.verdict.verifiedAnswer ?? sample.question.referenceAnswer;
}

/** Steps numbered once, whether or not the Attacker numbered them already. */
export function completionText(reviewed: ReviewedSample): string {
  const steps = reviewed.sample.question.solutionSteps.map(
    (step, i) => `${i + 1}. ${step.replace(/^\s*(?:step\s*)?\d+\s*[.:)]\s*/i, "")}`,
  );
  return `${steps.join("\n")}\n\nFinal answer: ${finalAnswer(reviewed)}`;
}
