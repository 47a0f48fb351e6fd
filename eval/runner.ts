import type { TextModel } from "../llm/chat-model.ts";
import { errorMessage } from "../protocol/errors.ts";
import type { BenchmarkItem } from "./benchmark-formats.ts";
import { gradeReply } from "./grading.ts";
import { REASONING_SYSTEM_PROMPT, renderQuestion } from "./prompt.ts";
import type { ItemResult } from "./results.ts";
import { type Interval, wilsonInterval } from "./statistics.ts";

export interface EvaluateOptions {
  /** Items in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Called as each item finishes, in completion order. */
  onResult?(result: ItemResult, finished: number): void;
}

async function evaluateItem(
  model: TextModel,
  item: BenchmarkItem,
  signal?: AbortSignal,
): Promise<ItemResult> {
  const started = Date.now();
  const user = renderQuestion(item.question, item.kind, item.options);
  try {
    const { text, usage } = await model.generateText({
      role: "eval",
      system: REASONING_SYSTEM_PROMPT,
      user,
      signal,
    });
    const grade = gradeReply(item, text);
    const { cached } = usage;
    return {
      id: item.id,
      expected: item.answer,
      ...grade,
      reply: text,
      latencyMs: Date.now() - started,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      ...(cached && cached.calls > 0
        ? { cached: { promptTokens: cached.promptTokens, completionTokens: cached.completionTokens } }
        : {}),
    };
  } catch (err) {
    // A cancelled evaluation stops; a model that failed after its retries costs the item, not the run.
    signal?.throwIfAborted();
    const error = errorMessage(err);
    const failed = { correct: false, given: null, reason: `model call failed: ${error}`, reply: "", error };
    return {
      id: item.id,
      expected: item.answer,
      ...failed,
      latencyMs: Date.now() - started,
      promptTokens: 0,
      completionTokens: 0,
    };
  }
}

/** Asks the model every item, at most `concurrency` at once; results come back in item order. */
export async function evaluateItems(
  model: TextModel,
  items: readonly BenchmarkItem[],
  options: EvaluateOptions,
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(items.length);
  let next = 0;
  let finished = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      const result = await evaluateItem(model, items[index] as BenchmarkItem, options.signal);
      results[index] = result;
      options.onResult?.(result, ++finished);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker));
  return results;
}

export interface AccuracyReport {
  n: number;
  correct: number;
  errors: number;
  accuracy: number;
  ci95: Interval;
}

/** Accuracy over every evaluated item (failed calls count as wrong) with its 95% Wilson interval. */
export function accuracyOf(results: readonly ItemResult[]): AccuracyReport {
  const n = results.length;
  const correct = results.filter((r) => r.correct).length;
  const errors = results.filter((r) => r.error !== undefined).length;
  return { n, correct, errors, accuracy: n === 0 ? 0 : correct / n, ci95: wilsonInterval(correct, n) };
}
