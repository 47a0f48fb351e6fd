import { formatNumber, numbersIn } from "./numbers.ts";

/** What kind of answer a question expects. Packs use numeric and choice; evaluation also reads the other two. */
export type AnswerKind = "numeric" | "choice" | "yes_no_maybe" | "text";

const LEAD_IN =
  /^(?:(?:the\s+)?(?:correct\s+|final\s+|best\s+)?(?:answer|option|choice)(?:\s+is)?|so|therefore|thus)\b\s*[:-]?\s*/i;

/** Drops lead-ins such as "Answer:", "The correct answer is", "Option" and a trailing full stop. */
export function stripAnswerLeadIn(text: string): string {
  let rest = text.trim();
  for (let previous = ""; previous !== rest; ) {
    previous = rest;
    rest = rest.replace(LEAD_IN, "").trim();
  }
  return rest.replace(/[.\s]+$/, "");
}

// Markers a model uses to announce its final answer, strongest first.
const MARKERS = [
  /\\boxed\{([^{}]+)\}/g,
  /^#{4}\s*(.+)$/gm,
  /(?:final answer|the (?:correct |best )?answer is|answer:)\s*:?\s*([^\n]+)/gi,
];

const STANDALONE_LETTER = /(?:^|[\s(])\(?([A-J])[).:](?=\s|$)|(?:^|\s)([A-J])\s*$/gm;

function fallback(text: string, kind: AnswerKind): string | undefined {
  if (kind === "numeric") {
    const last = numbersIn(text).at(-1);
    return last === undefined ? undefined : formatNumber(last);
  }
  if (kind === "choice") {
    const last = [...text.matchAll(STANDALONE_LETTER)].at(-1);
    return last?.[1] ?? last?.[2];
  }
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1);
}

/**
 * The final answer in free text ("... so the answer is 42."), for models that answer in prose. Looks for an
 * explicit marker (\boxed{}, "####", "final answer", "the answer is") and otherwise falls back to the last
 * number, the last standalone option letter, or the last line. Undefined when nothing answer-like is found.
 */
export function extractFinalAnswer(text: string, kind: AnswerKind): string | undefined {
  for (const marker of MARKERS) {
    const marked = [...text.matchAll(marker)].at(-1)?.[1];
    if (marked !== undefined && stripAnswerLeadIn(marked) !== "") return stripAnswerLeadIn(marked);
  }
  return fallback(text, kind);
}
