import { describe, expect, it } from "vitest";
import { chooseBaseline, compareEvaluations, differenceTest, renderComparison } from "../../eval/compare.ts";
import type { SavedEvaluation } from "../../eval/results.ts";
import { wilsonInterval } from "../../eval/statistics.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { itemResults } from "./support/item-results.ts";

function evaluation(label: string, benchmark: string, correct: boolean[], idPrefix = "q"): SavedEvaluation {
  const items = itemResults(correct, idPrefix);
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

  describe("baseline", () => {
    const at = (label: string, startedAt: string, fineTuned = false, benchmark = "gsm8k") => {
      const result = evaluation(label, benchmark, pattern(20, 2));
      result.summary.startedAt = startedAt;
      if (fineTuned) result.summary.training = { trainedTokens: 1000, tokensEstimated: false, epochs: 1 };
      return { label, evaluation: result };
    };

    it("defaults to the base model: the first given without a fine-tune, whenever each was evaluated", () => {
      const labelled = [
        at("a-tuned", "2026-01-01T00:00:00.000Z", true),
        at("zz-base", "2026-01-03T00:00:00.000Z"),
        at("m-other", "2026-01-02T00:00:00.000Z"),
      ];
      expect(chooseBaseline(labelled)).toEqual({ baseline: "zz-base", choice: "base model" });
      const comparison = compareEvaluations(labelled);
      expect(comparison.labels).toEqual(["zz-base", "a-tuned", "m-other"]);
      expect(comparison.rows[0]?.differences.map((d) => d.label)).toEqual(["a-tuned", "m-other"]);
      expect(renderComparison(comparison)).toMatch(/a-tuned vs zz-base/);
      expect(renderComparison(comparison)).toMatch(
        /^baseline: zz-base \(the first result given without a recorded fine-tune/m,
      );
    });

    it("keeps the baseline when the base result is evaluated again (a free re-run from the cache)", () => {
      const base = at("base", "2026-01-01T00:00:00.000Z");
      const other = at("other", "2026-01-02T00:00:00.000Z");
      expect(chooseBaseline([base, other]).baseline).toBe("base");
      const rerun = at("base", "2026-01-03T00:00:00.000Z");
      expect(chooseBaseline([rerun, other])).toEqual({ baseline: "base", choice: "first given" });
      const tuned = at("tuned", "2026-01-02T00:00:00.000Z", true);
      expect(chooseBaseline([tuned, rerun, other])).toEqual({ baseline: "base", choice: "base model" });
    });

    it("falls back to the first given when every result, or none, records a fine-tune", () => {
      const tuned = [at("b", "2026-01-03T00:00:00.000Z", true), at("a", "2026-01-02T00:00:00.000Z", true)];
      expect(chooseBaseline(tuned)).toEqual({ baseline: "b", choice: "first given" });
      const plain = [at("b", "2026-01-03T00:00:00.000Z"), at("a", "2026-01-02T00:00:00.000Z")];
      expect(chooseBaseline(plain)).toEqual({ baseline: "b", choice: "first given" });
      expect(renderComparison(compareEvaluations(plain))).toMatch(/^baseline: b \(the first result given/m);
      // A label counts as fine-tuned when any of its results, on any benchmark, records a fine-tune.
      const spread = [
        at("x", "2026-01-01T00:00:00.000Z"),
        at("y", "2026-01-01T00:00:00.000Z"),
        at("x", "2026-01-01T00:00:00.000Z", true, "medqa"),
      ];
      expect(chooseBaseline(spread)).toEqual({ baseline: "y", choice: "base model" });
    });

    it("takes the label --base names, and refuses an unknown one naming the labels there are", () => {
      const labelled = [
        at("base", "2026-01-01T00:00:00.000Z"),
        at("tuned", "2026-01-02T00:00:00.000Z", true),
      ];
      const comparison = compareEvaluations(labelled, 0.05, "tuned");
      expect(comparison.labels).toEqual(["tuned", "base"]);
      expect(renderComparison(comparison)).toMatch(/base vs tuned/);
      expect(renderComparison(comparison)).toMatch(/^baseline: tuned \(named by --base\)$/m);
      const refused = (() => {
        try {
          compareEvaluations(labelled, 0.05, "Base");
        } catch (err) {
          return err;
        }
      })();
      expect(refused).toBeInstanceOf(ConfigError);
      expect(refused).toMatchObject({
        message: '--base Base: no result is labelled "Base"; the labels here are base, tuned',
      });
    });
  });
});
