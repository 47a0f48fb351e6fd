import { z } from "zod";
import type { ReviewedSample } from "../reviews.ts";
import { completionText, promptText } from "./training-text.ts";

/**
 * One record per sample in the formats fine-tuning tools read: OpenAI chat (OpenAI fine-tuning, TRL,
 * Axolotl `chat_template`), ShareGPT (Axolotl, LLaMA-Factory, FastChat) and Alpaca (LLaMA-Factory, Axolotl).
 * An empty system message is no system turn (Alpaca's `system` is then empty, which its readers take as none).
 * A reviewed sample is written with its edits in; what review made of it is in the record formats alone.
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

export function toOpenAIChat(reviewed: ReviewedSample, system: string): OpenAIChatRecord {
  return {
    messages: [
      ...(system === "" ? [] : [{ role: "system" as const, content: system }]),
      { role: "user", content: promptText(reviewed.sample) },
      { role: "assistant", content: completionText(reviewed) },
    ],
  };
}

export function toShareGpt(reviewed: ReviewedSample, system: string): ShareGptRecord {
  return {
    conversations: [
      ...(system === "" ? [] : [{ from: "system" as const, value: system }]),
      { from: "human", value: promptText(reviewed.sample) },
      { from: "gpt", value: completionText(reviewed) },
    ],
  };
}

/** The question is the instruction; multiple-choice options go in `input`. */
export function toAlpaca(reviewed: ReviewedSample, system: string): AlpacaRecord {
  const { question } = reviewed.sample;
  const prompt = promptText(reviewed.sample);
  const input = prompt.slice(question.text.length).trim();
  return { instruction: question.text, input, output: completionText(reviewed), system };
}
