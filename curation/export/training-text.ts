import type { Sample } from "../../protocol/schemas.ts";

/**
 * What a fine-tuned model should see and say for one sample: the question (with its options) as the prompt,
 * and the reference solution, step by step, ending in the answer the Judge verified.
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

export function finalAnswer(sample: Sample): string {
  return sample.verdict.verifiedAnswer ?? sample.question.referenceAnswer;
}

/** Steps numbered once, whether or not the Attacker numbered them already. */
export function completionText(sample: Sample): string {
  const steps = sample.question.solutionSteps.map(
    (step, i) => `${i + 1}. ${step.replace(/^\s*(?:step\s*)?\d+\s*[.:)]\s*/i, "")}`,
  );
  return `${steps.join("\n")}\n\nFinal answer: ${finalAnswer(sample)}`;
}
