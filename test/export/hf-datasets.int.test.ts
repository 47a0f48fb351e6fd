import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runExport } from "../../cli/export-command.ts";
import { ExportFormat } from "../../curation/export/formats.ts";
import type { Sample } from "../../protocol/schemas.ts";
import { mixedSamples, sample } from "../curation/support/samples.ts";
import {
  loadWithPython,
  type PythonLoad,
  pythonReader,
  pythonSkipNote,
  REQUIRE_PYTHON,
} from "./support/independent-readers.ts";
import { REPORT, writeRunFolder } from "./support/run-folder.ts";

/**
 * The export folder as a Hugging Face user loads it: `datasets.load_dataset(folder)` with no config and with
 * each config, huggingface_hub's card parser, and pyarrow's Parquet metadata. Python is required in CI
 * (NANOFLUX_REQUIRE_PYTHON_READER=1); elsewhere, without it, these tests are skipped and say why.
 */

const python = await pythonReader();
const run = python.ok || REQUIRE_PYTHON;

test.runIf(REQUIRE_PYTHON)("CI has Python's datasets and pyarrow (NANOFLUX_REQUIRE_PYTHON_READER=1)", () => {
  expect(python).toEqual({ ok: true });
});

const ODD_TEXT = `How many?\n---\nlicense: mit\n\u{1F9EA} ünïcode "quotes" \\ back\n${"long ".repeat(5_000)}`;

describe.runIf(run)(`datasets.load_dataset reads every export${pythonSkipNote(python)}`, () => {
  let root: string;
  let out: string;
  let samples: Sample[];
  let loaded: PythonLoad;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "nf-hf-"));
    samples = [...mixedSamples(11), sample(50, { question: { ...sample(50).question, text: ODD_TEXT } })];
    const runDir = await writeRunFolder(join(root, "run"), samples, { report: REPORT });
    out = join(root, "export");
    // One export after another into one folder: the card must describe them all.
    await runExport({ runDir, formats: ["parquet"], out, validation: 0.25, splitSeed: 3 });
    await runExport({ runDir, formats: ["jsonl"], out });
    await runExport({ runDir, formats: ["openai-chat", "sharegpt", "alpaca"], out, validation: 0.25 });
    loaded = await loadWithPython(out, ExportFormat.options);
  }, 180_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("with no config name: the default config, parquet, with its train and validation splits", () => {
    const noConfig = loaded.loads[""];
    expect(Object.keys(noConfig ?? {}).sort()).toEqual(["train", "validation"]);
    expect(noConfig?.train?.rows).toBe(9);
    expect(noConfig?.validation?.rows).toBe(3);
    expect(noConfig?.train?.rows_json).toEqual(loaded.loads.parquet?.train?.rows_json);
  });

  test("each config by name: the rows the card announces", () => {
    const expected: Record<string, Record<string, number>> = {
      parquet: { train: 9, validation: 3 },
      jsonl: { train: 12 },
      "openai-chat": { train: 9, validation: 3 },
      sharegpt: { train: 9, validation: 3 },
      alpaca: { train: 9, validation: 3 },
    };
    for (const [config, splits] of Object.entries(expected))
      expect(
        Object.fromEntries(Object.entries(loaded.loads[config] ?? {}).map(([name, s]) => [name, s.rows])),
        config,
      ).toEqual(splits);
  });

  test("nested columns load as lists, of strings and of structs", () => {
    const records = loaded.loads.jsonl?.train;
    expect(records?.arrow).toMatchObject({
      messages: "list<item: struct<role: string, content: string>>",
      solution_steps: "list<item: string>",
      options: "list<item: string>",
      rubric: "list<item: struct<dimension: string, score: double>>",
      complexity: "int32",
      score: "double",
      defender_correct: "bool",
    });
    expect(records?.first).toMatchObject({ messages: "list", solution_steps: "list", prompt: "str" });
    expect(loaded.loads["openai-chat"]?.train?.arrow).toEqual({
      messages: "list<item: struct<role: string, content: string>>",
    });
    expect(loaded.loads.sharegpt?.train?.arrow).toEqual({
      conversations: "list<item: struct<from: string, value: string>>",
    });
    const choice = records?.rows_json.find((row) => row.option_labels !== null);
    expect(choice?.options).toEqual(["It falls", "It rises", "It is unchanged"]);
  });

  test("the .jsonl beside each Parquet file holds the same rows", async () => {
    for (const config of ["jsonl", "openai-chat", "sharegpt", "alpaca"]) {
      const lines = (await readFile(join(out, config, "train.jsonl"), "utf8"))
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as unknown);
      expect(loaded.loads[config]?.train?.rows_json, config).toEqual(lines);
    }
    const odd = loaded.loads.jsonl?.train?.rows_json.find((row) => row.id === "s50");
    expect(odd?.question).toBe(ODD_TEXT);
  });

  test("pyarrow: every Parquet file is ZSTD throughout", () => {
    const files = Object.entries(loaded.parquet);
    expect(files).toHaveLength(9);
    for (const [path, file] of files) expect(file.codecs, path).toEqual(["ZSTD"]);
    expect(loaded.parquet["parquet/train.parquet"]?.schema.solution_steps).toBe(
      "list<item: string not null>",
    );
  });

  test("huggingface_hub parses the card: licence, name, configs, dataset_info", () => {
    expect(loaded.card).toMatchObject({ license: "cc-by-4.0", pretty_name: "gsm-hard-mix (NanoFlux)" });
    const configs = loaded.card.configs as { config_name: string; default?: boolean }[];
    expect(configs.map((c) => c.config_name)).toEqual([...ExportFormat.options]);
    expect(configs[0]?.default).toBe(true);
    expect((loaded.card.dataset_info as unknown[]).length).toBe(5);
  });
});

describe.runIf(run)(`a config folder deleted by hand leaves the card${pythonSkipNote(python)}`, () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "nf-hf-gone-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("parquet, openai-chat, rm -rf parquet/, openai-chat again: load_dataset(folder) loads openai-chat", async () => {
    const runDir = await writeRunFolder(join(root, "run"), mixedSamples(4), { report: REPORT });
    const out = join(root, "export");
    await runExport({ runDir, formats: ["parquet"], out });
    await runExport({ runDir, formats: ["openai-chat"], out });
    await rm(join(out, "parquet"), { recursive: true });
    const result = await runExport({ runDir, formats: ["openai-chat"], out });
    const loaded = await loadWithPython(out, ["openai-chat"]);
    expect(result.warnings.join("\n")).toMatch(/dropped the parquet config from the card/);
    expect(loaded.loads[""]?.train?.rows).toBe(4);
    expect(loaded.loads[""]?.train?.columns).toEqual(["messages"]);
    expect((loaded.card.configs as { config_name: string }[]).map((c) => c.config_name)).toEqual([
      "openai-chat",
    ]);
  }, 120_000);
});
