import { z } from "zod";
import type { Sample } from "../../protocol/schemas.ts";
import { completionText, promptText } from "./training-text.ts";

/**
 * One record per sample in the formats fine-tuning tools read: OpenAI chat (OpenAI fine-tuning, TRL,
 * Axolotl `chat_template`), ShareGPT (Axolotl, LLaMA-Factory, FastChat) and Alpaca (LLaMA-Factory, Axolotl).
 * An empty system message is no system turn (Alpaca's `system` is then empty, which its readers take as none).
 */

export const OpenAIChatRecord = z.object({
  messages: z.array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() })),
});
export type OpenAIChatRecord = z.infer<typeof OpenAIChatRecord>;

export const ShareGptRecord = z.object({
  conversations: z.array(z.object({ from: z.enum(["system", "human", "gpt"]), value: z.string() })),
});
export type ShareGptRecord = z.infer<typeof ShareGptRecord>;

export const AlpacaRecord = z.object({
  instruction: z.string(),
  input: z.string(),
  output: z.string(),
  system: z.string(),
});
export type AlpacaRecord = z.infer<typeof AlpacaRecord>;

export function toOpenAIChat(sample: Sample, system: string): OpenAIChatRecord {
  return {
    messages: [
      ...(system === "" ? [] : [{ role: "system" as const, content: system }]),
      { role: "user", content: promptText(sample) },
      { role: "assistant", content: completionText(sample) },
    ],
  };
}

export function toShareGpt(sample: Sample, system: string): ShareGptRecord {
  return {
    conversations: [
      ...(system === "" ? [] : [{ from: "system" as const, value: system }]),
      { from: "human", value: promptText(sample) },
      { from: "gpt", value: completionText(sample) },
    ],
  };
}

/** The question is the instruction; multiple-choice options go in `input`. */
export function toAlpaca(sample: Sample, system: string): AlpacaRecord {
  const prompt = promptText(sample);
  const input = prompt.slice(sample.question.text.length).trim();
  return { instruction: sample.question.text, input, output: completionText(sample), system };
}
