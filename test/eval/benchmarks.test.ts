import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BENCHMARKS_DIR_ENV,
  defaultBenchmarksDir,
  formatLineProblem,
  loadBenchmark,
  parseBenchmarkText,
  resolveBenchmark,
} from "../../eval/benchmarks.ts";
import { ConfigError } from "../../protocol/errors.ts";

describe("benchmark loading", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-bench-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads every shipped benchmark with no malformed line", async () => {
    const expected = { gsmhard: 1000, gsm8k: 1319, medqa: 1018, medmcqa: 2252, pubmedqa: 400, mmlu: 871 };
    for (const [name, count] of Object.entries(expected)) {
      const loaded = await loadBenchmark(name);
      expect(loaded.problems, name).toEqual([]);
      expect(loaded.items, name).toHaveLength(count);
    }
  });

  it("reads GSM items as numbers and medagents items as option letters", async () => {
    const gsm = await loadBenchmark("gsm8k");
    expect(gsm.items[0]).toMatchObject({ id: "line-1", kind: "numeric", answer: "18" });
    const pubmed = await loadBenchmark("pubmedqa");
    const first = pubmed.items[0];
    expect(first?.kind).toBe("choice");
    expect(first?.options).toEqual({ A: "yes", B: "no", C: "maybe" });
    expect(["A", "B", "C"]).toContain(first?.answer);
  });

  it("reports malformed lines with file and line number and keeps the good ones", async () => {
    const file = join(dir, "mixed.jsonl");
    const lines = [
      JSON.stringify({ input: "What is 2 + 3?", target: 5 }),
      "{not json",
      "",
      JSON.stringify({ input: "No target here" }),
      JSON.stringify({ question: "Pick one", options: { A: "x", B: "y" }, answer_idx: "B", realidx: 7 }),
      JSON.stringify({ question: "Bad key", options: { A: "x", B: "y" }, answer_idx: "E" }),
      JSON.stringify({ prompt: "neither shape" }),
    ];
    await writeFile(file, `${lines.join("\n")}\n`);
    const loaded = await loadBenchmark(file);
    expect(loaded.name).toBe("mixed");
    expect(loaded.items.map((item) => item.id)).toEqual(["line-1", "7"]);
    expect(loaded.problems.map((p) => p.line)).toEqual([2, 4, 6, 7]);
    expect(formatLineProblem(loaded.problems[0] ?? { file: "", line: 0, reason: "" })).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2: not JSON`),
    );
    expect(loaded.problems[1]?.reason).toMatch(/target/);
    expect(loaded.problems[2]?.reason).toMatch(/answer_idx names no option/);
  });

  it("rejects a file with no valid item and names unknown benchmarks", async () => {
    const file = join(dir, "empty.jsonl");
    await writeFile(file, "{}\n");
    await expect(loadBenchmark(file)).rejects.toThrow(/no valid item \(1 malformed lines\)/);
    expect(() => resolveBenchmark("gsm9k", dir)).toThrow(ConfigError);
    await expect(loadBenchmark(join(dir, "missing.jsonl"))).rejects.toThrow(/cannot read .*--benchmarks-dir/);
  });

  it("maps names into the benchmarks folder, which the environment can move", () => {
    expect(resolveBenchmark("medqa", "/data/b")).toEqual({ name: "medqa", file: "/data/b/medqa.jsonl" });
    expect(resolveBenchmark("gsm8k", "/data/b").file).toBe("/data/b/gsm8k-test.jsonl");
    expect(defaultBenchmarksDir({ [BENCHMARKS_DIR_ENV]: "/elsewhere" })).toBe("/elsewhere");
    expect(defaultBenchmarksDir({})).toMatch(/shared\/benchmarks\/?$/);
  });

  it("ignores blank and CRLF line endings", () => {
    const parsed = parseBenchmarkText(`${JSON.stringify({ input: "q", target: -2.5 })}\r\n\r\n`, "f.jsonl");
    expect(parsed.items).toEqual([{ id: "line-1", question: "q", kind: "numeric", answer: "-2.5" }]);
    expect(parsed.problems).toEqual([]);
  });
});
