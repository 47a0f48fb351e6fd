import { describe, expect, it } from "vitest";
import type { BenchmarkItem } from "../../eval/benchmark-formats.ts";
import { accuracyOf, evaluateItems } from "../../eval/runner.ts";
import type { TextModel, TextRequest, TextResult } from "../../llm/chat-model.ts";

/** A strict fake: one scripted reply per question, each used once; anything else fails the test. */
function scriptedModel(replies: Record<string, string | Error>) {
  const unused = new Set(Object.keys(replies));
  let inFlight = 0;
  const state = { maxInFlight: 0, unexpected: [] as string[] };
  const model: TextModel = {
    id: "fake",
    model: "fake",
    async generateText(request: TextRequest): Promise<TextResult> {
      const question = request.user.split("\n")[0] ?? "";
      if (!unused.delete(question)) {
        state.unexpected.push(question);
        throw new Error(`unexpected question ${question}`);
      }
      inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      const reply = replies[question];
      if (reply instanceof Error) throw reply;
      return {
        text: reply ?? "",
        usage: { model: "fake", role: request.role, promptTokens: 7, completionTokens: 3, calls: 1 },
      };
    },
  };
  return { model, state, unused };
}

const items: BenchmarkItem[] = Array.from({ length: 9 }, (_, i) => ({
  id: `q${i}`,
  question: `question ${i}`,
  kind: "numeric",
  answer: String(i),
}));

describe("evaluateItems", () => {
  it("grades every item, in item order, with bounded concurrency", async () => {
    const replies = Object.fromEntries(
      items.map((item, i) => [item.question, `The answer is ${i % 3 === 0 ? i + 1 : i}.`]),
    );
    const { model, state, unused } = scriptedModel(replies);
    const finished: number[] = [];
    const results = await evaluateItems(model, items, {
      concurrency: 3,
      onResult: (_, n) => finished.push(n),
    });
    expect(unused.size).toBe(0);
    expect(state.unexpected).toEqual([]);
    expect(state.maxInFlight).toBe(3);
    expect(results.map((r) => r.id)).toEqual(items.map((i) => i.id));
    expect(results.map((r) => r.correct)).toEqual(items.map((_, i) => i % 3 !== 0));
    expect(finished).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results[1]).toMatchObject({ given: "1", promptTokens: 7, completionTokens: 3 });
    const accuracy = accuracyOf(results);
    expect(accuracy).toMatchObject({ n: 9, correct: 6, errors: 0 });
    expect(accuracy.accuracy).toBeCloseTo(6 / 9, 10);
    expect(accuracy.ci95.low).toBeLessThan(6 / 9);
    expect(accuracy.ci95.high).toBeGreaterThan(6 / 9);
  });

  it("counts a failed model call as wrong and records why", async () => {
    const [first, second] = items;
    const { model } = scriptedModel({
      [first?.question ?? ""]: new Error("endpoint down"),
      [second?.question ?? ""]: "The answer is 1.",
    });
    const results = await evaluateItems(model, items.slice(0, 2), { concurrency: 4 });
    expect(results[0]).toMatchObject({ correct: false, error: "endpoint down", given: null });
    expect(results[1]).toMatchObject({ correct: true });
    expect(accuracyOf(results)).toMatchObject({ n: 2, correct: 1, errors: 1 });
  });

  it("stops when cancelled", async () => {
    const { model } = scriptedModel({ [items[0]?.question ?? ""]: new Error("aborted") });
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await expect(
      evaluateItems(model, items.slice(0, 1), { concurrency: 1, signal: controller.signal }),
    ).rejects.toThrow("interrupted");
  });
});
