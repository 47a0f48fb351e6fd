/**
 * Terminal and layout controls: C0 (but tab and line breaks), DEL, C1, and the bidirectional overrides and
 * isolates. Text from models and people is printed by `tap` and the logs and shown on pages, where these would
 * rewrite the screen (escape sequences) or reverse what is read (U+202E).
 */
function isControl(code: number): boolean {
  return (
    (code <= 0x1f && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

export function hasControls(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** The text with each control shown as its code (`\u001b`), for printing where it would act. */
export function printable(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += isControl(code) ? `\\u${code.toString(16).padStart(4, "0")}` : char;
  }
  return out;
}
