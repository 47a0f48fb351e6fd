import { describe, expect, it } from "vitest";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { benchmarkItem, loadBenchmarkItems, numericHops } from "../../packages/sim/src/items/benchmarks.ts";
import type { SimItem } from "../../packages/sim/src/items/item.ts";
import { QuestionRegistry } from "../../packages/sim/src/items/registry.ts";

// The same folder the product reads: $NANOFLUX_BENCHMARKS_DIR, else ../shared/benchmarks.
const BENCHMARKS = defaultBenchmarksDir().replace(/\/$/, "");

function numeric(question: string, answer: number): SimItem {
  return { kind: "numeric", question, answer, referenceAnswer: String(answer), hops: 2, solutionSteps: [] };
}

describe("QuestionRegistry", () => {
  const easy = "Janet's ducks lay 16 eggs per day. She eats three for breakfast. How many are left?";
  const hard = "Janet's ducks lay 16 eggs per day. She eats 4933828 for breakfast. How many are left?";

  it("finds a question by its text, whatever the case, spacing or punctuation", () => {
    const registry = new QuestionRegistry();
    registry.add(numeric(easy, 13));
    expect(registry.find(`  ${easy.toUpperCase().replaceAll(" ", "   ")}`)).toMatchObject({ answer: 13 });
    expect(registry.find("Something else entirely.")).toBeUndefined();
  });

  it("finds a question quoted inside a longer prompt, telling apart questions that open alike", () => {
    const registry = new QuestionRegistry();
    registry.add(numeric(easy, 13));
    registry.add(numeric(hard, -4933812));
    expect(
      registry.find(
        `Solve this problem and end with "The answer is X."\n\nQuestion: ${hard}\nThink step by step.`,
      ),
    ).toMatchObject({ answer: -4933812 });
    expect(registry.find(`Question: ${easy}`)).toMatchObject({ answer: 13 });
  });

  it("forgets the oldest generated questions beyond its capacity, never benchmark items", () => {
    const registry = new QuestionRegistry(2);
    registry.add(numeric("benchmark question one about trains", 1), "benchmark");
    for (const n of [1, 2, 3]) registry.add(numeric(`generated question number ${n} about boats`, n));
    expect(registry.find("generated question number 1 about boats")).toBeUndefined();
    expect(registry.find("generated question number 3 about boats")).toMatchObject({ answer: 3 });
    expect(registry.find("benchmark question one about trains")).toMatchObject({ answer: 1 });
  });
});

describe("benchmark answer keys", () => {
  it("reads GSM lines and multiple-choice lines in their upstream formats", () => {
    expect(benchmarkItem('{"input":"Tom has 3 apples and buys 4 more. How many?","target":7}')).toMatchObject(
      { kind: "numeric", answer: 7 },
    );
    expect(
      benchmarkItem('{"question":"Pick one","options":{"A":"x","B":"y"},"answer_idx":"B"}'),
    ).toMatchObject({ kind: "choice", answer: "B" });
    expect(benchmarkItem('{"question":"Pick one","options":{"A":"x"},"answer_idx":"C"}')).toBeUndefined();
    expect(benchmarkItem("not json")).toBeUndefined();
  });

  it("estimates hops from the quantities a problem mentions", () => {
    expect(numericHops("Tom has 3 apples.")).toBe(1);
    expect(numericHops("Tom has 3 apples, buys 4, eats two and gives half away.")).toBe(3);
  });

  it("loads the shared GSM8K and MedQA files", async () => {
    const gsm = await loadBenchmarkItems(`${BENCHMARKS}/gsm8k-test.jsonl`);
    const medqa = await loadBenchmarkItems(`${BENCHMARKS}/medqa.jsonl`);
    expect(gsm).toHaveLength(1319);
    expect(gsm[0]).toMatchObject({ kind: "numeric", answer: 18 });
    expect(medqa.length).toBe(1018);
    expect(medqa.every((item) => item.kind === "choice")).toBe(true);
  });

  it("names the file and the fix when it cannot be used", async () => {
    await expect(loadBenchmarkItems(`${BENCHMARKS}/missing.jsonl`)).rejects.toThrow(
      /missing\.jsonl.*simulator\.benchmarks/,
    );
    await expect(loadBenchmarkItems(`${BENCHMARKS}/README.md`)).rejects.toThrow(/README\.md: no line is/);
  });
});
