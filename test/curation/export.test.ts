import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { z } from "zod";
import { exportDataset } from "../../curation/export/export-dataset.ts";
import { sampleColumns } from "../../curation/export/sample-table.ts";
import { AlpacaRecord, OpenAIChatRecord, ShareGptRecord } from "../../curation/export/training-formats.ts";
import { DEFAULT_SYSTEM_PROMPT } from "../../curation/export/training-text.ts";
import { SystemError } from "../../protocol/errors.ts";
import { Sample } from "../../protocol/schemas.ts";
import { readParquet } from "./support/parquet-reader.ts";
import { choiceSample, mixedSamples, sample } from "./support/samples.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nf-export-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readRecords<T>(file: string, schema: z.ZodType<T>): Promise<T[]> {
  const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
  return lines.map((line, i) => {
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
    return parsed.data;
  });
}

const plainCompletion = "1. 12 * 3 = 36\n2. 36 * 0.75 = 27\n\nFinal answer: 27";
const choicePrompt = `${choiceSample.question.text}\n\nA. It falls\nB. It rises\nC. It is unchanged`;
const choiceCompletion =
  "1. CYP2C9 metabolises S-warfarin.\n2. Induction speeds its clearance, so the INR falls.\n\nFinal answer: A";

describe("exportDataset", () => {
  const samples = [sample(1), choiceSample];

  test("openai-chat: system, user question with options, assistant steps then the verified answer", async () => {
    const file = join(dir, "chat.jsonl");
    await exportDataset(samples, "openai-chat", file);
    const records = await readRecords(file, OpenAIChatRecord);
    expect(records.map((r) => r.messages.map((m) => m.role))).toEqual([
      ["system", "user", "assistant"],
      ["system", "user", "assistant"],
    ]);
    expect(records[0]?.messages.map((m) => m.content)).toEqual([
      DEFAULT_SYSTEM_PROMPT,
      samples[0]?.question.text,
      plainCompletion,
    ]);
    expect(records[1]?.messages.slice(1).map((m) => m.content)).toEqual([choicePrompt, choiceCompletion]);
  });

  test("sharegpt: the same turns as from/value pairs", async () => {
    const file = join(dir, "sharegpt.jsonl");
    await exportDataset(samples, "sharegpt", file, { systemPrompt: "Be exact." });
    const [plain, choice] = await readRecords(file, ShareGptRecord);
    expect(plain?.conversations).toEqual([
      { from: "system", value: "Be exact." },
      { from: "human", value: samples[0]?.question.text },
      { from: "gpt", value: plainCompletion },
    ]);
    expect(choice?.conversations[1]?.value).toBe(choicePrompt);
  });

  test("alpaca: the question as instruction, the options as input", async () => {
    const file = join(dir, "alpaca.jsonl");
    await exportDataset(samples, "alpaca", file);
    const [plain, choice] = await readRecords(file, AlpacaRecord);
    expect(plain).toEqual({
      instruction: samples[0]?.question.text,
      input: "",
      output: plainCompletion,
      system: DEFAULT_SYSTEM_PROMPT,
    });
    expect(choice).toMatchObject({
      instruction: choiceSample.question.text,
      input: "A. It falls\nB. It rises\nC. It is unchanged",
    });
  });

  test("jsonl: full Sample records that validate and equal the originals", async () => {
    const file = join(dir, "full.jsonl");
    await exportDataset(samples, "jsonl", file);
    expect(await readRecords(file, Sample)).toEqual(samples);
  });

  test("parquet: an independent reader gets every row and column back, nulls and types included", async () => {
    const many = mixedSamples(40);
    const file = join(dir, "dataset.parquet");
    await exportDataset(many, "parquet", file);
    const parquet = readParquet(await readFile(file));
    const columns = sampleColumns(DEFAULT_SYSTEM_PROMPT);
    expect(parquet.numRows).toBe(40);
    expect(parquet.createdBy).toBe("nanoflux parquet writer");
    expect(parquet.columns.map((c) => c.name)).toEqual(columns.map((c) => c.name));
    expect(parquet.columns.find((c) => c.name === "complexity")).toMatchObject({
      physicalType: 1,
      optional: false,
    });
    expect(parquet.columns.find((c) => c.name === "score")).toMatchObject({ physicalType: 5 });
    expect(parquet.columns.find((c) => c.name === "options_json")).toMatchObject({
      physicalType: 6,
      optional: true,
      utf8: true,
    });
    parquet.rows.forEach((row, i) => {
      const expected = Object.fromEntries(columns.map((c) => [c.name, c.value(many[i] as Sample) ?? null]));
      expect(row).toEqual(expected);
    });
    expect(parquet.rows[0]).toMatchObject({
      prompt: sample(0).question.text,
      options_json: null,
      complexity: 1,
      score: 3.8,
    });
    expect(parquet.rows[1]).toMatchObject({
      prompt: choicePrompt,
      completion: choiceCompletion,
      level: "L5",
    });
  });

  test("parquet: an empty dataset is still a valid file", async () => {
    const file = join(dir, "empty.parquet");
    await exportDataset([], "parquet", file);
    expect(readParquet(await readFile(file))).toMatchObject({ numRows: 0, rows: [] });
  });

  test("replaces an existing file whole, and leaves nothing behind when the write fails", async () => {
    const file = join(dir, "chat.jsonl");
    await writeFile(file, "old content that is much longer than one line\n".repeat(100));
    await exportDataset([sample(1)], "openai-chat", file);
    expect((await readFile(file, "utf8")).trimEnd().split("\n")).toHaveLength(1);

    await expect(exportDataset([sample(1)], "jsonl", join(dir, "missing", "x.jsonl"))).rejects.toThrow(
      SystemError,
    );
    expect(await readdir(dir)).toEqual(["chat.jsonl"]);
  });
});
