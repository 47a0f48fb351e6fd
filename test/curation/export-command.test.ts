import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { exportCommand, runExport } from "../../cli/export-command.ts";
import { MANIFEST_FILE } from "../../curation/export/owned-files.ts";
import { ConfigError } from "../../protocol/errors.ts";
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

describe("runExport never overwrites a file it did not write", () => {
  let out: string;
  beforeEach(async () => {
    out = join(runDir, "out");
    await mkdir(out);
  });

  test("a second export replaces what the first wrote", async () => {
    await runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: true });
    expect(await readdir(out)).toEqual([MANIFEST_FILE, "README.md", "train.jsonl"].sort());
    await writeFile(join(runDir, "dataset.jsonl"), `${JSON.stringify(sample(2))}\n`);
    const again = await runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: true });
    expect(again.samples).toBe(1);
    expect((await readFile(join(out, "train.jsonl"), "utf8")).trimEnd().split("\n")).toHaveLength(1);
  });

  test("refuses a README.md it did not write, before writing anything, and names the fix", async () => {
    await writeFile(join(out, "README.md"), "# My project\n");
    const attempt = runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: true });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(
      `the export would overwrite ${join(out, "README.md")}, which no earlier export wrote (or which changed since); nothing was written: choose an empty folder with --out, or pass --force to overwrite them`,
    );
    expect(await readFile(join(out, "README.md"), "utf8")).toBe("# My project\n");
    expect(await readdir(out)).toEqual(["README.md"]);
  });

  test("refuses an exported file changed since, unless forced", async () => {
    await runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: false });
    await writeFile(join(out, "train.jsonl"), "edited by hand\n");
    await expect(
      runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: false }),
    ).rejects.toThrow(/would overwrite .*train\.jsonl/);
    expect(await readFile(join(out, "train.jsonl"), "utf8")).toBe("edited by hand\n");

    await runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: false, force: true });
    expect((await readFile(join(out, "train.jsonl"), "utf8")).trimEnd().split("\n")).toHaveLength(2);
    // Forced once, the file is the export's own: the next export replaces it without --force.
    await runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: false });
  });

  test("refuses a manifest that is not its own, and an output named like the card", async () => {
    await writeFile(join(out, MANIFEST_FILE), "not a manifest\n");
    await expect(
      runExport({ runDir, format: "jsonl", out: join(out, "train.jsonl"), card: false }),
    ).rejects.toThrow(`would overwrite ${join(out, MANIFEST_FILE)}`);
    await expect(
      runExport({ runDir, format: "jsonl", out: join(runDir, "other", "README.md"), card: true }),
    ).rejects.toThrow(/give the output another name/);
    await expect(access(join(runDir, "other"))).rejects.toThrow(/ENOENT/);
  });

  test("checks the run folder before creating the output's folder", async () => {
    const notARun = join(runDir, "out");
    const attempt = runExport({
      runDir: notARun,
      format: "jsonl",
      out: join(out, "new", "train.jsonl"),
      card: true,
    });
    await expect(attempt).rejects.toThrow(/pass the folder of a run/);
    await expect(access(join(out, "new"))).rejects.toThrow(/ENOENT/);
    await expect(
      runExport({
        runDir: join(runDir, "dataset.jsonl"),
        format: "jsonl",
        out: join(out, "x.jsonl"),
        card: false,
      }),
    ).rejects.toThrow(/pass the folder of a run/);
  });

  test("refuses an output folder under a file, creating nothing", async () => {
    await writeFile(join(out, "a-file"), "in the way\n");
    await expect(
      runExport({ runDir, format: "jsonl", out: join(out, "a-file", "sub", "train.jsonl"), card: true }),
    ).rejects.toThrow(/a-file, above .*, is a file, not a folder; choose another --out/);
    expect(await readdir(out)).toEqual(["a-file"]);
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
