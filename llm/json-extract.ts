/**
 * Finds the JSON object in a model's reply. Real models wrap it in prose, code fences or a reasoning block,
 * so the whole text is tried first, then each fenced block, then every balanced `{...}` in order.
 */

export type JsonExtraction = { found: true; value: unknown } | { found: false; reason: string };

const THINK_BLOCK = /<think>[\s\S]*?<\/think>/gi;
const CODE_FENCE = /```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/g;

export function extractJson(reply: string): JsonExtraction {
  // Reasoning models (R1, Qwen3 via vLLM) may think aloud first; braces in there are not the answer.
  const text = reply.replace(THINK_BLOCK, "").trim();
  if (text === "") return { found: false, reason: "the reply was empty" };
  for (const candidate of candidates(text)) {
    const parsed = parseJson(candidate);
    if (parsed.ok) return { found: true, value: parsed.value };
  }
  return {
    found: false,
    reason: text.includes("{")
      ? "the reply has no parseable JSON object"
      : "the reply contains no JSON object",
  };
}

function* candidates(text: string): Generator<string> {
  yield text;
  for (const match of text.matchAll(CODE_FENCE)) yield (match[1] ?? "").trim();
  yield* balancedObjects(text);
}

/** Every `{...}` span whose braces balance outside string literals, in order of its opening brace. */
export function* balancedObjects(text: string): Generator<string> {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    const end = matchingBrace(text, start);
    if (end !== -1) yield text.slice(start, end + 1);
  }
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{") {
      depth++;
    } else if (char === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch {
    // Not JSON: the caller moves on to the next candidate.
    return { ok: false };
  }
}
