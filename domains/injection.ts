/**
 * A small detector of text that talks to the grader instead of posing or answering a question. It does not
 * protect the Judge (data blocks and deterministic checks do that); it flags attempts so a verdict can say so
 * and a question carrying one can be rejected as unclean training data.
 */

export interface InjectionFinding {
  kind: string;
  excerpt: string;
}

const BLOCK_TAGS = "question|options|reference_answer|reference_solution|defender_reasoning|defender_answer";

const PATTERNS: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  [
    "ignore-instructions",
    /\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b/i,
  ],
  [
    "grading-directive",
    /\b(?:mark|grade|score|rate|label|treat|accept)\s+(?:this|it|the|my)(?:\s+(?:answer|question|response|solution|item))?\s+(?:as\s+)?(?:valid|correct|right|acceptable|full marks)\b/i,
  ],
  [
    "addresses-grader",
    /\b(?:dear|attention|hey|note\s+(?:to|for)|message\s+(?:to|for))\s+(?:the\s+)?(?:ai\s+)?(?:judge|grader|evaluator|assessor)\b/i,
  ],
  [
    "role-markup",
    /<\/?\s*(?:system|assistant|instructions?)\s*>|\[\/?(?:INST|SYS)\]|<\|im_(?:start|end)\|>/i,
  ],
  ["block-escape", new RegExp(String.raw`<\\?\/\s*(?:${BLOCK_TAGS})\s*>`, "i")],
  ["verdict-override", /"?\bvalid"?\s*[:=]\s*true\b|\bsystem\s+prompt\b|\bnew\s+instructions\b/i],
];

function excerptAround(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 20);
  const end = Math.min(text.length, index + length + 20);
  return `${start > 0 ? "..." : ""}${text.slice(start, end).replace(/\s+/g, " ").trim()}${end < text.length ? "..." : ""}`;
}

/** Every kind of injection attempt found in the text, with an excerpt of the first occurrence of each. */
export function detectInjection(text: string): InjectionFinding[] {
  return PATTERNS.flatMap(([kind, pattern]) => {
    const match = pattern.exec(text);
    return match ? [{ kind, excerpt: excerptAround(text, match.index, match[0].length) }] : [];
  });
}

export function describeFindings(findings: readonly InjectionFinding[]): string {
  return findings.map((finding) => `${finding.kind}: "${finding.excerpt}"`).join("; ");
}
