/** Small text helpers shared by the generators and the roles. */

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
