import { createHash } from "node:crypto";
import { access, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { runExport } from "../../cli/export-command.ts";
import { MANIFEST_FILE } from "../../curation/export/owned-files.ts";
import { ConfigError } from "../../protocol/errors.ts";
import type { Sample } from "../../protocol/schemas.ts";
import { exportPrinted, quietExportCommand } from "../export/support/command.ts";
import { hyparquetMetadata } from "../export/support/independent-readers.ts";
import {
  KEY_ENV,
  REPORT,
  runStarted,
  SECRET_KEY,
  SECRET_PASSWORD,
  topologyWith,
  writeRunFolder,
} from "../export/support/run-folder.ts";
import { choiceSample, mixedSamples, sample } from "./support/samples.ts";

let root: string;
let runDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "nf-export-"));
  runDir = await writeRunFolder(join(root, "run"), [sample(1), choiceSample], { report: REPORT });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under a folder, relative to it, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function frontMatter(card: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  return parseYaml(match?.[1] ?? "") as Record<string, unknown>;
}

async function card(dir: string): Promise<{ front: Record<string, unknown>; text: string }> {
  const text = await readFile(join(dir, "README.md"), "utf8");
  return { front: frontMatter(text), text };
}

describe("runExport: the export folder", () => {
  test("by default <runDir>/export: one folder per format, Parquet for datasets, JSONL beside it", async () => {
    const result = await runExport({ runDir, formats: ["openai-chat"] });
    const out = join(runDir, "export");
    expect(result).toMatchObject({
      outDir: out,
      cardFile: join(out, "README.md"),
      samples: 2,
      splits: { train: 2 },
      configs: ["openai-chat"],
    });
    expect(await tree(out)).toEqual([
      MANIFEST_FILE,
      "README.md",
      "openai-chat/train.jsonl",
      "openai-chat/train.parquet",
    ]);
    expect((await readFile(join(out, "openai-chat/train.jsonl"), "utf8")).trimEnd().split("\n")).toHaveLength(
      2,
    );
    expect(hyparquetMetadata(await readFile(join(out, "openai-chat/train.parquet"))).numRows).toBe(2);
  });

  test("parquet then jsonl into one folder: the card describes both, parquet the default", async () => {
    const out = join(root, "out");
    await runExport({ runDir, formats: ["parquet"], out, validation: 0.5, splitSeed: 3 });
    const second = await runExport({ runDir, formats: ["jsonl"], out });
    expect(second.configs).toEqual(["parquet", "jsonl"]);
    expect(await tree(out)).toEqual([
      MANIFEST_FILE,
      "README.md",
      "jsonl/train.jsonl",
      "jsonl/train.parquet",
      "parquet/train.parquet",
      "parquet/validation.parquet",
    ]);
    const { front } = await card(out);
    expect(front.configs).toEqual([
      {
        config_name: "parquet",
        default: true,
        data_files: [
          { split: "train", path: "parquet/train.parquet" },
          { split: "validation", path: "parquet/validation.parquet" },
        ],
      },
      { config_name: "jsonl", data_files: [{ split: "train", path: "jsonl/train.parquet" }] },
    ]);
    expect(front.license).toBe("cc-by-4.0");
    expect((front.dataset_info as { splits: unknown }[]).map((i) => i.splits)).toEqual([
      [
        { name: "train", num_examples: 1 },
        { name: "validation", num_examples: 1 },
      ],
      [{ name: "train", num_examples: 2 }],
    ]);
  });

  test("several formats in one export, with a seeded validation split", async () => {
    await writeRunFolder(runDir, mixedSamples(20), { report: REPORT });
    const out = join(root, "out");
    const result = await runExport({
      runDir,
      formats: ["alpaca", "parquet", "sharegpt"],
      out,
      validation: 0.2,
    });
    expect(result.splits).toEqual({ train: 16, validation: 4 });
    expect(result.configs).toEqual(["parquet", "sharegpt", "alpaca"]);
    const again = join(root, "again");
    await runExport({ runDir, formats: ["alpaca"], out: again, validation: 0.2 });
    expect(await readFile(join(again, "alpaca/validation.jsonl"), "utf8")).toBe(
      await readFile(join(out, "alpaca/validation.jsonl"), "utf8"),
    );
  });

  test("re-exporting a format without a validation split removes the split it wrote before", async () => {
    const out = join(root, "out");
    await runExport({ runDir, formats: ["sharegpt"], out, validation: 0.5 });
    const result = await runExport({ runDir, formats: ["sharegpt"], out });
    expect(result.removed.sort()).toEqual(["sharegpt/validation.jsonl", "sharegpt/validation.parquet"]);
    expect(await tree(out)).toEqual([
      MANIFEST_FILE,
      "README.md",
      "sharegpt/train.jsonl",
      "sharegpt/train.parquet",
    ]);
  });

  test("the topology's dataset section sets the licence and the split; flags win", async () => {
    await writeRunFolder(runDir, mixedSamples(10), {
      record: runStarted(topologyWith({ license: "apache-2.0", validation: 0.3, splitSeed: 5 })),
    });
    const out = join(root, "out");
    expect((await runExport({ runDir, formats: ["parquet"], out })).splits).toEqual({
      train: 7,
      validation: 3,
    });
    expect((await card(out)).front.license).toBe("apache-2.0");
    const flagged = await runExport({ runDir, formats: ["parquet"], out, validation: 0, license: "mit" });
    expect(flagged.splits).toEqual({ train: 10 });
    expect((await card(out)).front.license).toBe("mit");
  });

  test("no licence anywhere: the export warns, and the card says license: unknown", async () => {
    await writeRunFolder(runDir, [sample(1)], { record: runStarted(topologyWith({})) });
    const result = await runExport({ runDir, formats: ["parquet"], out: join(root, "out") });
    expect(result.warnings[0]).toMatch(/^no licence: the card says `license: unknown`; set dataset.license/);
    expect((await card(join(root, "out"))).front.license).toBe("unknown");
  });

  test("a run folder without run.json still exports, and says so", async () => {
    await rm(join(runDir, "run.json"));
    const result = await runExport({ runDir, formats: ["parquet"], out: join(root, "out") });
    expect(result.warnings.join("\n")).toMatch(/run\.json not found/);
    expect((await card(join(root, "out"))).text).toContain("## What is not known");
  });
});

describe("runExport: adversarial inputs", () => {
  test("no secret of the topology reaches any written file", async () => {
    process.env[KEY_ENV] = SECRET_KEY;
    try {
      const out = join(root, "out");
      await runExport({ runDir, formats: ["parquet", "jsonl", "openai-chat", "sharegpt", "alpaca"], out });
      // run.json records each baseUrl as configured (the topology is redacted by field name), so the password
      // reaches the export's input; none of its outputs may hold it.
      for (const file of await tree(out)) {
        const bytes = await readFile(join(out, file));
        expect(bytes.includes(SECRET_PASSWORD), file).toBe(false);
        expect(bytes.includes(SECRET_KEY), file).toBe(false);
        expect(bytes.includes("alice:"), file).toBe(false);
      }
    } finally {
      delete process.env[KEY_ENV];
    }
  });

  test("hostile ids and text: file names never come from the data; text survives whole", async () => {
    const text = `Q?\n---\nlicense: mit\n\u{1F9EA} ünïcode\r\n${"long ".repeat(20_000)}`;
    const odd: Sample = sample(9, {
      id: "../../../escape",
      runId: "../run",
      domain: "math\n---\nx: y",
      question: { ...sample(9).question, text },
    });
    await writeRunFolder(runDir, [odd, sample(1)], { report: REPORT });
    const out = join(root, "out");
    await runExport({ runDir, formats: ["jsonl"], out });
    expect(await tree(root)).toEqual(
      expect.arrayContaining(["out/jsonl/train.jsonl", "out/jsonl/train.parquet", "out/README.md"]),
    );
    expect((await tree(root)).filter((f) => !f.startsWith("out/") && !f.startsWith("run/"))).toEqual([]);
    const rows = (await readFile(join(out, "jsonl/train.jsonl"), "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { question: string; id: string });
    expect(rows).toHaveLength(2);
    expect(rows[0]?.question).toBe(text);
    const { front } = await card(out);
    expect(front.tags).toContain("math\n---\nx: y");
    expect(Object.keys(front)).not.toContain("x");
  });

  test("bad flags: the error names the flag and the fix, and nothing is created", async () => {
    const out = join(root, "never");
    const cases: [Parameters<typeof runExport>[0], RegExp][] = [
      [{ runDir, formats: ["parquet"], out, validation: 1 }, /^--validation 1: give the share of samples/],
      [{ runDir, formats: ["parquet"], out, validation: -0.1 }, /^--validation -0.1/],
      [{ runDir, formats: ["parquet"], out, splitSeed: 1.5 }, /^--split-seed 1.5: give a whole number/],
      [
        { runDir, formats: ["parquet"], out, license: "Apache 2.0\nx: y" },
        /^--license "Apache 2.0\\nx: y": give a Hugging Face licence id/,
      ],
      [
        { runDir, formats: ["parquet"], out: join(root, "train.jsonl") },
        /--out names the export folder .* not a file/,
      ],
      [{ runDir, formats: [], out }, /^--format: name at least one of parquet, jsonl/],
    ];
    for (const [request, message] of cases) {
      const attempt = runExport(request);
      await expect(attempt).rejects.toThrow(ConfigError);
      await expect(attempt).rejects.toThrow(message);
    }
    await writeRunFolder(runDir, [sample(1)]);
    await expect(runExport({ runDir, formats: ["parquet"], out, validation: 0.5 })).rejects.toThrow(
      /--validation 0.5: 1 sample\(s\) are too few to split; leave --validation out/,
    );
    await expect(access(out)).rejects.toThrow(/ENOENT/);
  });

  test("an empty dataset: nothing to export", async () => {
    await writeRunFolder(runDir, []);
    await expect(runExport({ runDir, formats: ["parquet"], out: join(root, "out") })).rejects.toThrow(
      /holds no samples: nothing to export/,
    );
    await expect(access(join(root, "out"))).rejects.toThrow(/ENOENT/);
  });

  test("a malformed run.json is named, with the way out", async () => {
    await writeFile(join(runDir, "run.json"), JSON.stringify({ type: "run.started.v1" }));
    await expect(runExport({ runDir, formats: ["parquet"] })).rejects.toThrow(
      /run\.json is not a valid run record .*; remove it to export without it/,
    );
  });

  test("names the file and line of an invalid sample", async () => {
    await writeFile(join(runDir, "dataset.jsonl"), `${JSON.stringify(sample(1))}\n{"id": "broken"}\n`);
    const attempt = runExport({ runDir, formats: ["jsonl"] });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(`${join(runDir, "dataset.jsonl")}:2:`);
  });
});

describe("runExport never overwrites a file it did not write", () => {
  let out: string;
  beforeEach(async () => {
    out = join(root, "out");
    await mkdir(out);
  });

  test("refuses a README.md it did not write, before writing anything, and names the fix", async () => {
    await writeFile(join(out, "README.md"), "# My project\n");
    const attempt = runExport({ runDir, formats: ["jsonl"], out });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(
      `the export would overwrite ${join(out, "README.md")}, which no earlier export wrote (or which changed since); nothing was written: choose an empty folder with --out, or pass --force to overwrite them`,
    );
    expect(await readFile(join(out, "README.md"), "utf8")).toBe("# My project\n");
    expect(await tree(out)).toEqual(["README.md"]);
  });

  test("--out reached through '..' into a foreign folder is refused like any other", async () => {
    await writeFile(join(out, "README.md"), "# theirs\n");
    const attempt = runExport({ runDir, formats: ["parquet"], out: join(runDir, "..", "run", "..", "out") });
    await expect(attempt).rejects.toThrow(/would overwrite .*out\/README\.md/);
    expect(await tree(out)).toEqual(["README.md"]);
  });

  test("refuses an exported file changed since, unless forced; forced once, it is the export's own", async () => {
    await runExport({ runDir, formats: ["jsonl"], out });
    await writeFile(join(out, "jsonl/train.jsonl"), "edited by hand\n");
    await expect(runExport({ runDir, formats: ["jsonl"], out })).rejects.toThrow(
      /would overwrite .*train\.jsonl/,
    );
    expect(await readFile(join(out, "jsonl/train.jsonl"), "utf8")).toBe("edited by hand\n");
    await runExport({ runDir, formats: ["jsonl"], out, force: true });
    expect((await readFile(join(out, "jsonl/train.jsonl"), "utf8")).trimEnd().split("\n")).toHaveLength(2);
    await runExport({ runDir, formats: ["jsonl"], out });
  });

  test("refuses a manifest that is not its own", async () => {
    await writeFile(join(out, MANIFEST_FILE), "not a manifest\n");
    await expect(runExport({ runDir, formats: ["jsonl"], out })).rejects.toThrow(
      `would overwrite ${join(out, MANIFEST_FILE)}`,
    );
  });

  test("a format folder that is a file or a link is refused, not followed", async () => {
    await writeFile(join(out, "parquet"), "a file\n");
    await expect(runExport({ runDir, formats: ["parquet"], out })).rejects.toThrow(
      /parquet is a file, not a folder; move it away or choose another --out/,
    );
    await rm(join(out, "parquet"));
    const elsewhere = join(root, "elsewhere");
    await mkdir(elsewhere);
    await symlink(elsewhere, join(out, "parquet"));
    await expect(runExport({ runDir, formats: ["parquet"], out })).rejects.toThrow(/parquet is a link/);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  test("an export of another dataset stays unless forced: one card describes one dataset", async () => {
    await runExport({ runDir, formats: ["openai-chat"], out });
    await writeRunFolder(runDir, [sample(3)]);
    await expect(runExport({ runDir, formats: ["parquet"], out })).rejects.toThrow(
      /holds the openai-chat export of another dataset \(run run-t, 2 samples\).*pass --force to replace that export/,
    );
    expect(await tree(out)).toEqual([
      MANIFEST_FILE,
      "README.md",
      "openai-chat/train.jsonl",
      "openai-chat/train.parquet",
    ]);
    const forced = await runExport({ runDir, formats: ["parquet"], out, force: true });
    expect(forced.configs).toEqual(["parquet"]);
    expect(await tree(out)).toEqual([MANIFEST_FILE, "README.md", "parquet/train.parquet"]);
    // The same format again is a plain re-export, whatever the dataset.
    await writeRunFolder(runDir, [sample(4), sample(5)]);
    expect((await runExport({ runDir, formats: ["parquet"], out })).samples).toBe(2);
  });

  test("an export folder of the earlier layout: its own files are replaced, others left alone", async () => {
    await writeFile(join(out, "dataset.openai-chat.jsonl"), "old\n");
    await writeFile(join(out, "notes.txt"), "mine\n");
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256").update("old\n").digest("hex");
    await writeFile(
      join(out, MANIFEST_FILE),
      JSON.stringify({ version: 1, files: { "dataset.openai-chat.jsonl": hash } }),
    );
    const result = await runExport({ runDir, formats: ["openai-chat"], out });
    expect(result.removed).toEqual(["dataset.openai-chat.jsonl"]);
    expect(await tree(out)).toEqual([
      MANIFEST_FILE,
      "README.md",
      "notes.txt",
      "openai-chat/train.jsonl",
      "openai-chat/train.parquet",
    ]);
  });

  test("refuses an output folder under a file, creating nothing", async () => {
    await writeFile(join(out, "a-file"), "in the way\n");
    await expect(runExport({ runDir, formats: ["jsonl"], out: join(out, "a-file", "sub") })).rejects.toThrow(
      /a-file, above .*, is a file, not a folder; choose another --out/,
    );
    expect(await tree(out)).toEqual(["a-file"]);
  });

  test("checks the run folder before creating the export folder", async () => {
    await expect(runExport({ runDir: out, formats: ["jsonl"], out: join(out, "new") })).rejects.toThrow(
      /pass the folder of a run/,
    );
    await expect(access(join(out, "new"))).rejects.toThrow(/ENOENT/);
  });
});

describe("exportCommand", () => {
  test("parses comma-separated formats and the split flags", async () => {
    await writeRunFolder(runDir, mixedSamples(10));
    const out = join(root, "custom");
    const write = process.stdout.write;
    process.stdout.write = () => true;
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      await quietExportCommand().parseAsync(
        ["--format", "parquet,alpaca", "--out", out, "--validation", "0.2", "--split-seed", "9", runDir],
        { from: "user" },
      );
    } finally {
      process.stdout.write = write;
      process.stderr.write = stderr;
    }
    expect(await tree(out)).toEqual([
      MANIFEST_FILE,
      "README.md",
      "alpaca/train.jsonl",
      "alpaca/train.parquet",
      "alpaca/validation.jsonl",
      "alpaca/validation.parquet",
      "parquet/train.parquet",
      "parquet/validation.parquet",
    ]);
  });

  test("says which files of an earlier export it removed", async () => {
    const out = join(root, "out");
    await exportPrinted(["--format", "sharegpt", "--validation", "0.5", "--out", out, runDir]);
    const second = await exportPrinted(["--format", "sharegpt", "--out", out, runDir]);
    expect(second.stdout).toContain(
      `removed 2 files an earlier export wrote that no config describes any more: ${join(out, "sharegpt/validation.jsonl")}, ${join(out, "sharegpt/validation.parquet")}\n`,
    );
    const third = await exportPrinted(["--format", "sharegpt", "--out", out, runDir]);
    expect(third.stdout).not.toContain("removed");
  });

  test('--system "": examples without a system turn, said on the card and in a warning', async () => {
    const out = join(root, "out");
    const { stderr } = await exportPrinted(["--format", "openai-chat", "--system", "", "--out", out, runDir]);
    expect(stderr).toContain('warning: --system "": the examples have no system message');
    const rows = (await readFile(join(out, "openai-chat/train.jsonl"), "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { messages: { role: string }[] });
    expect(rows.map((r) => r.messages.map((m) => m.role))).toEqual([
      ["user", "assistant"],
      ["user", "assistant"],
    ]);
    expect((await card(out)).text).toContain("System message of every example: none (no system turn).");
    await exportPrinted(["--format", "sharegpt", "--system", "  ", "--out", out, runDir]);
    const share = JSON.parse(
      (await readFile(join(out, "sharegpt/train.jsonl"), "utf8")).split("\n")[0] ?? "",
    );
    expect(share.conversations.map((t: { from: string }) => t.from)).toEqual(["human", "gpt"]);
  });

  test("rejects an unknown format with the list of choices", async () => {
    await expect(
      quietExportCommand().parseAsync(["--format", "parquet,csv", runDir], { from: "user" }),
    ).rejects.toThrow(/Allowed choices are parquet, jsonl, openai-chat, sharegpt, alpaca/);
  });

  test("a number flag is read whole, and --no-card says why the card stays", async () => {
    await expect(
      quietExportCommand().parseAsync(["--validation", "0.1x", runDir], { from: "user" }),
    ).rejects.toThrow(/^--validation "0.1x": give the share/);
    await expect(
      quietExportCommand().parseAsync(["--split-seed", "", runDir], { from: "user" }),
    ).rejects.toThrow(/^--split-seed "": give a whole number/);
    await expect(quietExportCommand().parseAsync(["--no-card", runDir], { from: "user" })).rejects.toThrow(
      /--no-card: the card is what lists the configs datasets.load_dataset reads/,
    );
  });
});

/** The sha256 of a text, as a manifest records it. */
function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

describe("a manifest names only files an export writes, inside its folder", () => {
  let out: string;
  let victim: string;
  beforeEach(async () => {
    out = join(root, "out");
    await mkdir(out);
    victim = join(root, "victim.txt");
    await writeFile(victim, "not yours\n");
  });

  async function refused(manifest: unknown, entry: string, force = false): Promise<void> {
    await writeFile(join(out, MANIFEST_FILE), JSON.stringify(manifest));
    const before = await tree(out);
    const attempt = runExport({ runDir, formats: ["openai-chat"], out, force });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(`${join(out, MANIFEST_FILE)} lists ${JSON.stringify(entry)}`);
    await expect(attempt).rejects.toThrow(
      /nothing was written or removed: .*delete .*\.nanoflux-export\.json/,
    );
    expect(await readFile(victim, "utf8")).toBe("not yours\n");
    expect(await tree(out)).toEqual(before);
  }

  test("the reviewer's reproduction: a version-1 manifest listing ../victim.txt deletes nothing", async () => {
    await refused({ version: 1, files: { "../victim.txt": hashOf("not yours\n") } }, "../victim.txt");
    // --force overwrites files in the way; it never makes a hostile manifest trusted.
    await refused({ version: 1, files: { "../victim.txt": hashOf("not yours\n") } }, "../victim.txt", true);
  });

  test("every name that is not <format>/<split>.<parquet|jsonl> or README.md is refused", async () => {
    const hash = hashOf("not yours\n");
    for (const name of [
      victim,
      "parquet/../../victim.txt",
      "./README.md",
      "notes.txt",
      "parquet/train.csv",
      "csv/train.parquet",
      "parquet/test.parquet",
      MANIFEST_FILE,
    ])
      await refused({ version: 2, files: { [name]: hash }, configs: {} }, name);
  });

  test("the configs' split files, which feed the card's data_files, are checked the same way", async () => {
    const first = await runExport({ runDir, formats: ["parquet"], out });
    expect(first.configs).toEqual(["parquet"]);
    const manifest = JSON.parse(await readFile(join(out, MANIFEST_FILE), "utf8"));
    for (const files of [["../victim.txt"], ["openai-chat/train.parquet"], ["parquet/train.parquet", "x"]]) {
      manifest.configs.parquet.splits[0].files = files;
      await refused(manifest, files.at(-1) ?? "");
    }
  });

  test("a name reached through a folder that is a link out of the export folder is refused", async () => {
    const elsewhere = join(root, "elsewhere");
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, "train.parquet"), "theirs\n");
    await symlink(elsewhere, join(out, "parquet"));
    await refused(
      { version: 1, files: { "parquet/train.parquet": hashOf("theirs\n") } },
      "parquet/train.parquet",
    );
    expect(await readFile(join(elsewhere, "train.parquet"), "utf8")).toBe("theirs\n");
  });
});

describe("earlier configs whose files are gone or changed leave the card", () => {
  let out: string;
  beforeEach(() => {
    out = join(root, "out");
  });

  test("parquet, openai-chat, rm -rf parquet/, openai-chat again: the card lists openai-chat alone", async () => {
    await runExport({ runDir, formats: ["parquet"], out });
    await runExport({ runDir, formats: ["openai-chat"], out });
    await rm(join(out, "parquet"), { recursive: true });
    const result = await runExport({ runDir, formats: ["openai-chat"], out });
    expect(result.configs).toEqual(["openai-chat"]);
    expect(result.dropped).toEqual(["parquet"]);
    expect(result.warnings).toContainEqual(
      expect.stringMatching(
        /^dropped the parquet config from the card: .*parquet\/train\.parquet is missing; export --format parquet again to restore it/,
      ),
    );
    const { front, text } = await card(out);
    expect(front.configs).toEqual([
      {
        config_name: "openai-chat",
        default: true,
        data_files: [{ split: "train", path: "openai-chat/train.parquet" }],
      },
    ]);
    expect((front.dataset_info as { config_name: string }[]).map((i) => i.config_name)).toEqual([
      "openai-chat",
    ]);
    expect(text).not.toContain("parquet/train.parquet");
    const manifest = JSON.parse(await readFile(join(out, MANIFEST_FILE), "utf8"));
    expect(Object.keys(manifest.configs)).toEqual(["openai-chat"]);
    expect(Object.keys(manifest.files).sort()).toEqual([
      "README.md",
      "openai-chat/train.jsonl",
      "openai-chat/train.parquet",
    ]);
  });

  test("a config file changed by hand: the config leaves the card, the file stays, both are named", async () => {
    await runExport({ runDir, formats: ["sharegpt"], out, validation: 0.5 });
    await runExport({ runDir, formats: ["alpaca"], out });
    await writeFile(join(out, "sharegpt/train.jsonl"), "edited\n");
    const result = await runExport({ runDir, formats: ["alpaca"], out });
    expect(result.configs).toEqual(["alpaca"]);
    expect(result.warnings.join("\n")).toMatch(
      /dropped the sharegpt config from the card: .*sharegpt\/train\.jsonl changed since it was written/,
    );
    // Its unchanged files are the export's own, described by no config: removed; the edited one stays.
    expect(result.removed.sort()).toEqual([
      "sharegpt/train.parquet",
      "sharegpt/validation.jsonl",
      "sharegpt/validation.parquet",
    ]);
    expect(await readFile(join(out, "sharegpt/train.jsonl"), "utf8")).toBe("edited\n");
    expect((await card(out)).front.configs).toHaveLength(1);
  });
});

describe("a failure part way through leaves a folder the next export owns", () => {
  test("whichever write fails, the next export needs no --force and leaves the folder as if none had failed", async () => {
    const out = join(root, "out");
    const expected = join(root, "expected");
    await runExport({ runDir, formats: ["sharegpt"], out: expected, validation: 0.5 });
    await runExport({ runDir, formats: ["openai-chat"], out: expected });
    const wanted = await tree(expected);
    let failAt = 1;
    for (; ; failAt++) {
      await rm(out, { recursive: true, force: true });
      await runExport({ runDir, formats: ["sharegpt"], out, validation: 0.5 });
      let writes = 0;
      const failing = {
        writeFile: async (path: string, bytes: string | Uint8Array) => {
          writes++;
          if (writes === failAt) throw new Error(`simulated crash writing ${path}`);
          await writeFile(path, bytes);
        },
      };
      const crashed = await runExport({ runDir, formats: ["openai-chat"], out }, failing).then(
        () => false,
        (err: Error) => {
          expect(err.message).toMatch(/simulated crash/);
          return true;
        },
      );
      if (!crashed) break;
      const next = await runExport({ runDir, formats: ["openai-chat"], out });
      expect(next.configs, `failure at write ${failAt}`).toEqual(["openai-chat", "sharegpt"]);
      expect(await tree(out), `failure at write ${failAt}`).toEqual(wanted);
      for (const file of wanted.filter((f) => f !== MANIFEST_FILE))
        expect(await readFile(join(out, file)), file).toEqual(await readFile(join(expected, file)));
    }
    // The manifest before, two data files, the card, the manifest after: a failure at each was tried.
    expect(failAt).toBe(6);
  });

  test("a first export that fails part way: the next one needs no --force", async () => {
    const out = join(root, "out");
    let writes = 0;
    const failing = {
      writeFile: async (path: string, bytes: string | Uint8Array) => {
        if (++writes === 3) throw new Error("simulated crash");
        await writeFile(path, bytes);
      },
    };
    await expect(runExport({ runDir, formats: ["jsonl"], out }, failing)).rejects.toThrow(/simulated crash/);
    expect((await runExport({ runDir, formats: ["jsonl"], out })).configs).toEqual(["jsonl"]);
  });
});
