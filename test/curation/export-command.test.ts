import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ConfigError } from "../../core/errors.ts";
import { exportCommand, runExport } from "../../curation/export/command.ts";
import { readParquet } from "./support/parquet-reader.ts";
import { choiceSample, sample } from "./support/samples.ts";

let runDir: string;
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), "nf-run-"));
  const lines = [sample(1), choiceSample].map((s) => JSON.stringify(s));
  await writeFile(join(runDir, "dataset.jsonl"), `${lines.join("\n")}\n`);
});
afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

describe("runExport", () => {
  test("writes the export and its card under <runDir>/export by default", async () => {
    await writeFile(
      join(runDir, "report.json"),
      JSON.stringify({ runId: "run-9", rounds: 5, byReason: { duplicate: 3 }, standings: [] }),
    );
    const result = await runExport({ runDir, format: "sharegpt", card: true });
    expect(result).toEqual({
      outFile: join(runDir, "export", "dataset.sharegpt.jsonl"),
      cardFile: join(runDir, "export", "README.md"),
      samples: 2,
    });
    expect((await readFile(result.outFile, "utf8")).trimEnd().split("\n")).toHaveLength(2);
    expect(await readFile(join(runDir, "export", "README.md"), "utf8")).toContain(
      "Kept 2 samples out of 5 rounds.",
    );
  });

  test("names the file and line of an invalid sample", async () => {
    await writeFile(join(runDir, "dataset.jsonl"), `${JSON.stringify(sample(1))}\n{"id": "broken"}\n`);
    const attempt = runExport({ runDir, format: "jsonl", card: false });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(`${join(runDir, "dataset.jsonl")}:2:`);
  });

  test("refuses a run folder without a dataset, saying what to pass", async () => {
    const empty = await mkdtemp(join(tmpdir(), "nf-empty-"));
    await expect(runExport({ runDir: empty, format: "jsonl", card: false })).rejects.toThrow(
      /pass the folder of a run/,
    );
    await rm(empty, { recursive: true, force: true });
  });
});

describe("exportCommand", () => {
  test("parses the flags and writes parquet where --out says, without a card when told", async () => {
    const out = join(runDir, "custom", "train.parquet");
    await mkdir(join(runDir, "custom"));
    await exportCommand().parseAsync(["--format", "parquet", "--out", out, "--no-card", runDir], {
      from: "user",
    });
    expect(readParquet(await readFile(out)).numRows).toBe(2);
    await expect(readFile(join(runDir, "custom", "README.md"))).rejects.toThrow(/ENOENT/);
  });

  test("rejects an unknown format with the list of choices", async () => {
    const command = exportCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await expect(command.parseAsync(["--format", "csv", runDir], { from: "user" })).rejects.toThrow(
      /Allowed choices are openai-chat, sharegpt, alpaca, jsonl, parquet/,
    );
  });
});
