import { describe, expect, it } from "vitest";
import { compareEvaluations, differenceTest, renderComparison } from "../../eval/compare.ts";
import type { ItemResult, SavedEvaluation } from "../../eval/results.ts";
import { wilsonInterval } from "../../eval/statistics.ts";

function evaluation(label: string, benchmark: string, correct: boolean[], idPrefix = "q"): SavedEvaluation {
  const items: ItemResult[] = correct.map((ok, i) => ({
    id: `${idPrefix}${i}`,
    correct: ok,
    expected: "1",
    given: ok ? "1" : "2",
    reason: "",
    reply: "",
    latencyMs: 1,
    promptTokens: 1,
    completionTokens: 1,
  }));
  const k = correct.filter(Boolean).length;
  return {
    summaryFile: `${label}.${benchmark}.summary.json`,
    items,
    summary: {
      type: "eval.summary.v1",
      label,
      model: label,
      baseUrl: "http://x/v1",
      benchmark,
      file: `${benchmark}.jsonl`,
      selection: {},
      n: items.length,
      correct: k,
      errors: 0,
      accuracy: k / items.length,
      ci95: wilsonInterval(k, items.length),
      skippedLines: 0,
      itemsFile: "x.items.jsonl",
      startedAt: "2026-01-01T00:00:00.000Z",
      durationMs: 1,
    },
  };
}

const pattern = (n: number, every: number) => Array.from({ length: n }, (_, i) => i % every !== 0);

describe("compare", () => {
  it("uses McNemar on results for the same items and the z-test otherwise", () => {
    const base = evaluation("base", "gsm8k", pattern(100, 2));
    const tuned = evaluation("tuned", "gsm8k", pattern(100, 10));
    expect(differenceTest(base, tuned).test).toBe("mcnemar");
    const other = evaluation("tuned", "gsm8k", pattern(100, 10), "other");
    expect(differenceTest(base, other).test).toBe("two-proportion-z");
  });

  it("builds one row per benchmark, differences against the first label, with significance", () => {
    const comparison = compareEvaluations([
      { label: "base", evaluation: evaluation("base", "gsm8k", pattern(200, 2)) },
      { label: "nanoflux", evaluation: evaluation("nanoflux", "gsm8k", pattern(200, 5)) },
      { label: "base", evaluation: evaluation("base", "medqa", pattern(40, 2)) },
      { label: "nanoflux", evaluation: evaluation("nanoflux", "medqa", [true, ...pattern(40, 2).slice(1)]) },
    ]);
    expect(comparison.labels).toEqual(["base", "nanoflux"]);
    const [gsm, medqa] = comparison.rows;
    expect(gsm?.differences[0]).toMatchObject({ label: "nanoflux", significant: true });
    expect(gsm?.differences[0]?.deltaPp).toBeCloseTo(30, 6);
    expect(medqa?.differences[0]?.significant).toBe(false);
    const table = renderComparison(comparison);
    expect(table).toMatch(/benchmark\s+base\s+nanoflux\s+nanoflux vs base/);
    expect(table).toMatch(/gsm8k .*50\.0% \[.*\] n=200.*80\.0%.*\+30\.0 pp \(p=<0\.001, McNemar\) \*/);
    expect(table).toMatch(/medqa .*\+2\.5 pp \(p=1\.000, McNemar\)$/m);
  });

  it("shows a dash where a label has no result for a benchmark", () => {
    const comparison = compareEvaluations([
      { label: "base", evaluation: evaluation("base", "gsm8k", pattern(10, 2)) },
      { label: "full", evaluation: evaluation("full", "mmlu", pattern(10, 2)) },
    ]);
    expect(renderComparison(comparison)).toMatch(/gsm8k\s+50\.0% .*\s+-\s+-/);
  });

  it("refuses two results with the same label for one benchmark", () => {
    const twice = [
      { label: "base", evaluation: evaluation("base", "gsm8k", pattern(10, 2)) },
      { label: "base", evaluation: evaluation("base", "gsm8k", pattern(10, 3)) },
    ];
    expect(() => compareEvaluations(twice)).toThrow(/label=<file>/);
  });
});
