import { z } from "zod";
import type { ReviewedSample } from "../reviews.ts";
import type { Column } from "./columns.ts";
import { encodeParquet } from "./parquet-file.ts";
import { RECORD_COLUMNS, type RecordContext, toRecord } from "./records.ts";
import { toAlpaca, toOpenAIChat, toShareGpt } from "./training-formats.ts";

/**
 * The export formats, each a config of the exported dataset: its columns, how a sample becomes a row, and the
 * files it gets. Hugging Face `datasets` reads a folder with one builder, chosen by the file type of the first
 * config (huggingface/datasets#7101), so every config's rows are in Parquet, the file `load_dataset` reads;
 * the JSON Lines formats also get the same rows as .jsonl, the file fine-tuning tools read. File names come
 * from `dataFile` alone.
 */

export const ExportFormat = z.enum(["parquet", "jsonl", "openai-chat", "sharegpt", "alpaca"]);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const SplitName = z.enum(["train", "validation"]);
export type SplitName = z.infer<typeof SplitName>;

export type Encoding = "parquet" | "jsonl";

export interface FormatSpec {
  readonly columns: readonly Column[];
  /** Encodings written: Parquet always (what `datasets` reads), JSON Lines for the JSONL formats. */
  readonly encodings: readonly Encoding[];
  /** One line for the card. */
  readonly summary: string;
  row(reviewed: ReviewedSample, context: RecordContext): Record<string, unknown>;
}

const MESSAGE = {
  struct: [
    ["role", "string"],
    ["content", "string"],
  ],
} as const;
const TURN = {
  struct: [
    ["from", "string"],
    ["value", "string"],
  ],
} as const;

export const FORMATS: Readonly<Record<ExportFormat, FormatSpec>> = {
  parquet: {
    columns: RECORD_COLUMNS,
    encodings: ["parquet"],
    summary:
      "every column: `prompt` / `completion` and `messages` for training, the question, options and solution steps as lists, the grade, the models, what human review made of the sample",
    row: toRecord,
  },
  jsonl: {
    columns: RECORD_COLUMNS,
    encodings: ["parquet", "jsonl"],
    summary: "the rows of `parquet` as JSON Lines (one object per line)",
    row: toRecord,
  },
  "openai-chat": {
    columns: [{ name: "messages", type: { list: MESSAGE } }],
    encodings: ["parquet", "jsonl"],
    summary: "`messages` (system, user, assistant): OpenAI fine-tuning, TRL, Axolotl `chat_template`",
    row: (reviewed, context) => toOpenAIChat(reviewed, context.system),
  },
  sharegpt: {
    columns: [{ name: "conversations", type: { list: TURN } }],
    encodings: ["parquet", "jsonl"],
    summary: "`conversations` (system, human, gpt): Axolotl, LLaMA-Factory, FastChat",
    row: (reviewed, context) => toShareGpt(reviewed, context.system),
  },
  alpaca: {
    columns: [
      { name: "instruction", type: "string" },
      { name: "input", type: "string" },
      { name: "output", type: "string" },
      { name: "system", type: "string" },
    ],
    encodings: ["parquet", "jsonl"],
    summary: "`instruction` / `input` / `output` / `system`: LLaMA-Factory, Axolotl",
    row: (reviewed, context) => toAlpaca(reviewed, context.system),
  },
};

const ENCODINGS: readonly Encoding[] = ["parquet", "jsonl"];

/** The dataset card, at the top of the export folder. */
export const CARD_FILE = "README.md";

/** The one place an exported file is named: `<format>/<split>.<encoding>`, relative to the export folder. */
export function dataFile(format: ExportFormat, split: SplitName, encoding: Encoding): string {
  return `${format}/${split}.${encoding}`;
}

/** The files one split of one format gets, the Parquet file (what the card's data_files name) first. */
export function splitFiles(format: ExportFormat, split: SplitName): string[] {
  return FORMATS[format].encodings.map((encoding) => dataFile(format, split, encoding));
}

/**
 * Every name an export can write, from `dataFile` and the card alone: a name not in this set (`../x`, an
 * absolute path, `notes.txt`) is no file of an export's, whatever a manifest says.
 */
export const EXPORT_FILE_NAMES: ReadonlySet<string> = new Set([
  CARD_FILE,
  ...ExportFormat.options.flatMap((format) =>
    SplitName.options.flatMap((split) => ENCODINGS.map((encoding) => dataFile(format, split, encoding))),
  ),
]);

function jsonLines(rows: readonly unknown[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join("");
}

/** One split of one format, encoded: file name (relative) -> bytes. */
export async function encodeSplit(
  format: ExportFormat,
  split: SplitName,
  samples: readonly ReviewedSample[],
  context: RecordContext & { createdBy: string },
): Promise<Map<string, Uint8Array>> {
  const spec = FORMATS[format];
  const rows = samples.map((reviewed) => spec.row(reviewed, context));
  const files = new Map<string, Uint8Array>();
  for (const encoding of spec.encodings) {
    files.set(
      dataFile(format, split, encoding),
      encoding === "parquet"
        ? await encodeParquet(rows, spec.columns, { createdBy: context.createdBy })
        : Buffer.from(jsonLines(rows), "utf8"),
    );
  }
  return files;
}
