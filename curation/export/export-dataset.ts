import { z } from "zod";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import type { Sample } from "../../protocol/schemas.ts";
import { encodeParquet } from "./parquet/parquet-writer.ts";
import { samplesToTable } from "./sample-table.ts";
import { toAlpaca, toOpenAIChat, toShareGpt } from "./training-formats.ts";
import { DEFAULT_SYSTEM_PROMPT } from "./training-text.ts";

export const ExportFormat = z.enum(["openai-chat", "sharegpt", "alpaca", "jsonl", "parquet"]);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** File name an export gets when the user names none. */
export function defaultFileName(format: ExportFormat): string {
  return format === "parquet" ? "dataset.parquet" : `dataset.${format}.jsonl`;
}

export interface ExportOptions {
  /** System message of every example; default DEFAULT_SYSTEM_PROMPT. */
  systemPrompt?: string;
}

function jsonLines(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join("");
}

/** Writes the samples in a training format, atomically: the file is complete or absent. */
export async function exportDataset(
  samples: readonly Sample[],
  format: ExportFormat,
  outFile: string,
  options: ExportOptions = {},
): Promise<void> {
  const system = options.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
  const content = {
    "openai-chat": () => jsonLines(samples.map((s) => toOpenAIChat(s, system))),
    sharegpt: () => jsonLines(samples.map((s) => toShareGpt(s, system))),
    alpaca: () => jsonLines(samples.map((s) => toAlpaca(s, system))),
    jsonl: () => jsonLines(samples),
    parquet: () => encodeParquet(samplesToTable(samples, system)),
  }[format]();
  await writeFileAtomic(outFile, content);
}
