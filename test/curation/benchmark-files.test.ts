import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { loadBenchmarkFile } from "../../curation/benchmark-files.ts";
import { ConfigError } from "../../protocol/errors.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nf-bench-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadBenchmarkFile", () => {
  test("reads both formats with their line numbers and reports malformed lines by file and line", async () => {
    const file = join(dir, "mixed.jsonl");
    await writeFile(
      file,
      [
        JSON.stringify({ input: "How many eggs are left?", target: 9 }),
        "",
        "{not json",
        JSON.stringify({
          question: "Which vitamin is fat-soluble?",
          options: { A: "C", B: "K" },
          answer_idx: "B",
        }),
        JSON.stringify({ question: "No options here", answer_idx: "A" }),
      ].join("\n"),
    );
    const loaded = await loadBenchmarkFile(file);
    expect(loaded.questions).toEqual([
      { file, line: 1, text: "How many eggs are left?" },
      { file, line: 4, text: "Which vitamin is fat-soluble?" },
    ]);
    expect(loaded.problems.map((p) => [p.file, p.line])).toEqual([
      [file, 3],
      [file, 5],
    ]);
    expect(loaded.problems[0]?.reason).toMatch(/not JSON/);
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("finds the shared benchmarks by name", async () => {
    const gsm8k = await loadBenchmarkFile("gsm8k");
    expect(gsm8k.questions).toHaveLength(1319);
    expect(gsm8k.problems).toEqual([]);
  });

  test("names the setting to fix when a file is missing", async () => {
    await expect(loadBenchmarkFile(join(dir, "absent.jsonl"))).rejects.toThrow(ConfigError);
    await expect(loadBenchmarkFile(join(dir, "absent.jsonl"))).rejects.toThrow(
      /curation\.decontamination\.benchmarks/,
    );
  });
});
