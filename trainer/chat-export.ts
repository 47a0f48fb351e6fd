import { writeFile } from "node:fs/promises";
import type { BenchmarkItem } from "../eval/benchmark-formats.ts";
import { REASONING_SYSTEM_PROMPT, renderAnswerLine, renderQuestion } from "../eval/prompt.ts";
import type { Sample } from "../protocol/schemas.ts";

/**
 * Samples as OpenAI chat fine-tuning examples, in the very format evaluation asks in (eval/prompt.ts): the
 * Attacker's worked solution, closed by "The answer is X" with the answer the Judge verified.
 * (Stand-in until curation/export provides exportDataset(samples, "openai-chat", file).)
 */

export interface ChatExample {
  messages: { role: "system" | "user" | "assistant"; content: string }[];
}

export function sampleToChat(sample: Sample): ChatExample {
  const { question, verdict } = sample;
  const kind = question.options ? "choice" : "numeric";
  const answer = verdict.verifiedAnswer ?? question.referenceAnswer;
  return {
    messages: [
      { role: "system", content: REASONING_SYSTEM_PROMPT },
      { role: "user", content: renderQuestion(question.text, kind, question.options) },
      { role: "assistant", content: [...question.solutionSteps, renderAnswerLine(answer)].join("\n") },
    ],
  };
}

/** A benchmark item as a chat example, its reference answer for the reply: a full-benchmark fine-tune's data. */
export function benchmarkItemToChat(item: BenchmarkItem): ChatExample {
  return {
    messages: [
      { role: "system", content: REASONING_SYSTEM_PROMPT },
      { role: "user", content: renderQuestion(item.question, item.kind, item.options) },
      { role: "assistant", content: renderAnswerLine(item.answer) },
    ],
  };
}

export async function writeChatJsonl(samples: readonly Sample[], file: string): Promise<void> {
  await writeChatExamples(samples.map(sampleToChat), file);
}

export async function writeChatExamples(examples: readonly ChatExample[], file: string): Promise<void> {
  await writeFile(file, examples.map((example) => `${JSON.stringify(example)}\n`).join(""));
}
