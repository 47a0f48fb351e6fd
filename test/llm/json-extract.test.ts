import { describe, expect, it } from "vitest";
import { balancedObjects, extractJson } from "../../llm/json-extract.ts";

describe("extractJson", () => {
  it("parses a reply that is only JSON", () => {
    expect(extractJson('  {"a": 1, "b": [true, null]}\n')).toEqual({
      found: true,
      value: { a: 1, b: [true, null] },
    });
  });

  it("finds JSON inside a code fence with prose around it", () => {
    const reply = 'Here is the answer:\n```json\n{"answer": "42"}\n```\nLet me know if you need more.';
    expect(extractJson(reply)).toEqual({ found: true, value: { answer: "42" } });
  });

  it("finds the first balanced object in prose, ignoring braces inside strings", () => {
    const reply = 'Sure! {"text": "a } tricky { string \\" with quote", "n": 2} and then {"other": 1}';
    expect(extractJson(reply)).toEqual({
      found: true,
      value: { text: 'a } tricky { string " with quote', n: 2 },
    });
  });

  it("skips a broken object and takes the next parseable one", () => {
    expect(extractJson('{not json} but {"ok": true}')).toEqual({ found: true, value: { ok: true } });
  });

  it("ignores a reasoning model's <think> block", () => {
    const reply = '<think>maybe {"answer": "wrong"}?</think>\n{"answer": "right"}';
    expect(extractJson(reply)).toEqual({ found: true, value: { answer: "right" } });
  });

  it("says why when there is no JSON", () => {
    expect(extractJson("   ")).toEqual({ found: false, reason: "the reply was empty" });
    expect(extractJson("I cannot help with that.")).toEqual({
      found: false,
      reason: "the reply contains no JSON object",
    });
    expect(extractJson('{"cut off": "mid')).toEqual({
      found: false,
      reason: "the reply has no parseable JSON object",
    });
  });
});

describe("balancedObjects", () => {
  it("yields each balanced span in order of its opening brace, nested ones included", () => {
    expect([...balancedObjects('x {"a": {"b": 1}} y {"c": 2')]).toEqual(['{"a": {"b": 1}}', '{"b": 1}']);
  });
});
