/**
 * Characters that act instead of showing: C0 controls but tab and newline (a lone carriage return rewrites the
 * line), DEL and C1, the bidirectional marks, overrides and isolates, zero-width and other invisible format
 * characters, the line and paragraph separators, interlinear annotations, the tag characters (invisible
 * text) and lone surrogates. Text from models and people is printed by `tap` and the logs, shown on pages, and goes into training
 * data, where these would rewrite the screen, reverse or hide what is read.
 */
function isControl(code: number): boolean {
  return (
    (code <= 0x1f && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    // Iterating by code point leaves only lone surrogates in this range: text no encoder can write as it is.
    (code >= 0xd800 && code <= 0xdfff) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb) ||
    (code >= 0xe0000 && code <= 0xe007f)
  );
}

/** Whether the text holds any such character, or a lone surrogate. */
export function hasControls(text: string): boolean {
  for (const char of text) if (isControl(char.codePointAt(0) ?? 0)) return true;
  return false;
}

/** The text with each such character shown as its code (`\u001b`), for printing where it would act. */
export function printable(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += isControl(code) ? `\\u{${code.toString(16)}}` : char;
  }
  return out;
}
