import { describe, expect, test } from "vitest";
import type { z } from "zod";
import { hfFeature } from "../../curation/export/columns.ts";
import { dataFile, ExportFormat, encodeSplit, FORMATS } from "../../curation/export/formats.ts";
import { encodeParquet } from "../../curation/export/parquet-file.ts";
import { RECORD_COLUMNS, toRecord } from "../../curation/export/records.ts";
import { splitSamples, validationCount } from "../../curation/export/splits.ts";
import { AlpacaRecord, OpenAIChatRecord, ShareGptRecord } from "../../curation/export/training-formats.ts";
import { DEFAULT_SYSTEM_PROMPT } from "../../curation/export/training-text.ts";
import type { ReviewedSample } from "../../curation/reviews.ts";
import type { Sample } from "../../protocol/schemas.ts";
import { hyparquetMetadata, hyparquetRows } from "../export/support/independent-readers.ts";
import { choiceSample, mixedSamples, sample } from "./support/samples.ts";

const context = {
  system: DEFAULT_SYSTEM_PROMPT,
  modelNames: new Map([
    ["alpha", "Qwen/Qwen3-4B"],
    ["beta", "meta-llama/Llama-3.1-8B-Instruct"],
  ]),
  createdBy: "nanoflux test",
};

/** A sample nobody reviewed, as the export writes it. */
const asIs = (s: Sample): ReviewedSample => ({ sample: s });

function jsonLines<T>(bytes: Uint8Array | undefined, schema: z.ZodType<T>): T[] {
  const text = Buffer.from(bytes ?? new Uint8Array()).toString("utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line, i) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`line ${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

const plainCompletion = "1. 12 * 3 = 36\n2. 36 * 0.75 = 27\n\nFinal answer: 27";
const choicePrompt = `${choiceSample.question.text}\n\nA. It falls\nB. It rises\nC. It is unchanged`;
const choiceCompletion =
  "1. CYP2C9 metabolises S-warfarin.\n2. Induction speeds its clearance, so the INR falls.\n\nFinal answer: A";

describe("file names come from the format once", () => {
  test("every format and split has one Parquet file, and the JSONL formats one .jsonl beside it", () => {
    for (const format of ExportFormat.options)
      for (const split of ["train", "validation"] as const) {
        const names = FORMATS[format].encodings.map((encoding) => dataFile(format, split, encoding));
        expect(names[0]).toBe(`${format}/${split}.parquet`);
        for (const name of names) expect(name).not.toMatch(/\.(jsonl|parquet)\.(jsonl|parquet)$/);
      }
    expect(dataFile("jsonl", "train", "jsonl")).toBe("jsonl/train.jsonl");
  });

  test("--format jsonl writes jsonl/train.jsonl, not dataset.jsonl.jsonl", async () => {
    const files = await encodeSplit("jsonl", "train", [asIs(sample(1))], context);
    expect([...files.keys()]).toEqual(["jsonl/train.parquet", "jsonl/train.jsonl"]);
  });
});

describe("training formats", () => {
  const samples = [sample(1), choiceSample];
  const rows = samples.map(asIs);

  test("openai-chat: system, user question with options, assistant steps then the verified answer", async () => {
    const files = await encodeSplit("openai-chat", "train", rows, context);
    const records = jsonLines(files.get("openai-chat/train.jsonl"), OpenAIChatRecord);
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
    const files = await encodeSplit("sharegpt", "train", rows, { ...context, system: "Be exact." });
    const [plain, choice] = jsonLines(files.get("sharegpt/train.jsonl"), ShareGptRecord);
    expect(plain?.conversations).toEqual([
      { from: "system", value: "Be exact." },
      { from: "human", value: samples[0]?.question.text },
      { from: "gpt", value: plainCompletion },
    ]);
    expect(choice?.conversations[1]?.value).toBe(choicePrompt);
  });

  test("alpaca: the question as instruction, the options as input", async () => {
    const files = await encodeSplit("alpaca", "train", rows, context);
    const [plain, choice] = jsonLines(files.get("alpaca/train.jsonl"), AlpacaRecord);
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
});

describe('no system message (--system "")', () => {
  test("every format omits the system turn rather than writing an empty one", async () => {
    const none = { ...context, system: "" };
    const chat = jsonLines(
      (await encodeSplit("openai-chat", "train", [asIs(sample(1))], none)).get("openai-chat/train.jsonl"),
      OpenAIChatRecord,
    );
    expect(chat[0]?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const share = jsonLines(
      (await encodeSplit("sharegpt", "train", [asIs(sample(1))], none)).get("sharegpt/train.jsonl"),
      ShareGptRecord,
    );
    expect(share[0]?.conversations.map((t) => t.from)).toEqual(["human", "gpt"]);
    const alpaca = jsonLines(
      (await encodeSplit("alpaca", "train", [asIs(sample(1))], none)).get("alpaca/train.jsonl"),
      AlpacaRecord,
    );
    expect(alpaca[0]?.system).toBe("");
    const record = toRecord(asIs(sample(1)), none);
    expect((record.messages as { role: string }[]).map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(record.system).toBe("");
  });
});

describe("records (the parquet and jsonl formats)", () => {
  test("prompt / completion beside TRL-style messages, lists as lists, the real model names", () => {
    const row = toRecord(asIs(choiceSample), context);
    expect(Object.keys(row)).toEqual(RECORD_COLUMNS.map((c) => c.name));
    expect(row).toMatchObject({
      prompt: choicePrompt,
      completion: choiceCompletion,
      messages: [
        { role: "system", content: DEFAULT_SYSTEM_PROMPT },
        { role: "user", content: choicePrompt },
        { role: "assistant", content: choiceCompletion },
      ],
      option_labels: ["A", "B", "C"],
      options: ["It falls", "It rises", "It is unchanged"],
      solution_steps: choiceSample.question.solutionSteps,
      final_answer: "A",
      attacker: "alpha",
      attacker_model: "Qwen/Qwen3-4B",
      defender_model: "meta-llama/Llama-3.1-8B-Instruct",
      judge_model: null,
      level: "L5",
      complexity: 4,
    });
    expect(row.rubric).toEqual([
      { dimension: "completeness", score: 4 },
      { dimension: "explicit_checking", score: 3 },
      { dimension: "multi_hop_depth", score: 4 },
      { dimension: "step_validity", score: 4 },
      { dimension: "structure_clarity", score: 4 },
    ]);
    expect(toRecord(asIs(sample(1)), context)).toMatchObject({ option_labels: null, options: null });
  });

  test("the JSONL and Parquet formats declare one Hugging Face feature per column", () => {
    expect(FORMATS.parquet.columns.map(hfFeature)).toEqual(FORMATS.jsonl.columns.map(hfFeature));
    const features = Object.fromEntries(RECORD_COLUMNS.map((c) => [c.name, hfFeature(c)]));
    expect(features.solution_steps).toEqual({ name: "solution_steps", list: "string" });
    expect(features.messages).toEqual({
      name: "messages",
      list: [
        { name: "role", dtype: "string" },
        { name: "content", dtype: "string" },
      ],
    });
    expect(features.complexity).toEqual({ name: "complexity", dtype: "int32" });
  });
});

describe("splits", () => {
  const many = mixedSamples(40).map(asIs);

  test("deterministic for a seed, whatever the order of the samples; another seed gives another split", () => {
    const ids = (split: ReturnType<typeof splitSamples>, name: string) =>
      split.find((s) => s.name === name)?.samples.map((s) => s.sample.id) ?? [];
    const a = splitSamples(many, { validation: 0.25, seed: 7 });
    const again = splitSamples([...many].reverse(), { validation: 0.25, seed: 7 });
    expect(ids(a, "validation")).toHaveLength(10);
    expect(ids(a, "train")).toHaveLength(30);
    expect(new Set(ids(again, "validation"))).toEqual(new Set(ids(a, "validation")));
    expect(ids(splitSamples(many, { validation: 0.25, seed: 8 }), "validation")).not.toEqual(
      ids(a, "validation"),
    );
    // Each split keeps the dataset's order.
    const order = many.map((s) => s.sample.id);
    const trainIds = ids(a, "train");
    expect([...trainIds].sort((x, y) => order.indexOf(x) - order.indexOf(y))).toEqual(trainIds);
  });

  test("no fraction: one train split; a small dataset keeps at least one sample on each side", () => {
    expect(splitSamples(many, { validation: 0, seed: 1 }).map((s) => s.name)).toEqual(["train"]);
    expect(validationCount(3, 0.01)).toBe(1);
    expect(validationCount(3, 0.99)).toBe(2);
    expect(validationCount(1, 0.5)).toBe(0);
  });
});

describe("Parquet through parquet-wasm, read by hyparquet", () => {
  const many = mixedSamples(40);

  test("ZSTD on every column chunk; lists and structs are nested Parquet types, not JSON text", async () => {
    const bytes = await encodeParquet(
      many.map((s) => toRecord(asIs(s), context)),
      RECORD_COLUMNS,
      { createdBy: "nanoflux test" },
    );
    const file = hyparquetMetadata(bytes);
    expect(file.numRows).toBe(40);
    expect(file.createdBy).toBe("nanoflux test");
    expect(new Set(Object.values(file.codecs))).toEqual(new Set(["ZSTD"]));
    expect(file.columns.map((c) => c.name)).toEqual(RECORD_COLUMNS.map((c) => c.name));
    const column = (name: string) => file.columns.find((c) => c.name === name);
    expect(column("solution_steps")).toMatchObject({ repetition: "REQUIRED", children: ["list"] });
    expect(column("options")).toMatchObject({ repetition: "OPTIONAL", children: ["list"] });
    expect(Object.keys(file.codecs)).toEqual(
      expect.arrayContaining([
        "messages.list.item.role",
        "messages.list.item.content",
        "solution_steps.list.item",
      ]),
    );
    expect(Object.keys(file.codecs).some((path) => path.endsWith("_json"))).toBe(false);
  });

  test("every row and value comes back, nested columns as arrays", async () => {
    const rows = many.map((s) => toRecord(asIs(s), context));
    const read = await hyparquetRows(
      await encodeParquet(rows, RECORD_COLUMNS, { createdBy: "nanoflux test" }),
    );
    expect(read).toHaveLength(40);
    expect(read).toEqual(rows);
    expect(Array.isArray(read[1]?.options)).toBe(true);
    expect(Array.isArray(read[0]?.messages)).toBe(true);
  });

  test("an empty table is still a valid file", async () => {
    const bytes = await encodeParquet([], RECORD_COLUMNS, { createdBy: "nanoflux test" });
    expect(hyparquetMetadata(bytes).numRows).toBe(0);
  });

  test("text with newlines, '---', unicode and 100 kB comes back as written", async () => {
    const text = `line one\n---\nlicense: mit\n\u{1F600} Ünïcödé ✓ \u0000 ${"x".repeat(100_000)}`;
    const odd: Sample = sample(5, {
      question: { ...sample(5).question, text, solutionSteps: [text, "---"] },
    });
    const rows = [toRecord(asIs(odd), context)];
    const bytes = await encodeParquet(rows, RECORD_COLUMNS, { createdBy: "nanoflux test" });
    expect(hyparquetMetadata(bytes).numRows).toBe(1);
    expect((await hyparquetRows(bytes))[0]).toEqual(rows[0]);
  });
});
