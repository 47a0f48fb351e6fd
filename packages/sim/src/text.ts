/** Small text helpers shared by the generators and the roles. */

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a, b and c", as a sentence lists things. */
export function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Lower case, punctuation dropped, single spaces: how questions are matched wherever they are quoted. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}%$.]+/gu, " ")
    .replace(/\.(?!\d)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The usual rule of thumb: about four characters per token. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Parsed JSON as unknown (validate it before use), or undefined when the text is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Callers probe text that may or may not be JSON; "not JSON" is an answer, not a failure.
    return undefined;
  }
}
