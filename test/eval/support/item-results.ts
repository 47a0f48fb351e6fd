import type { ItemResult } from "../../../eval/results.ts";

/** Per-item results, one per entry of `correct`: the right answer "1", a wrong one "2". */
export function itemResults(correct: readonly boolean[], idPrefix = "q"): ItemResult[] {
  return correct.map((ok, i) => ({
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
}
