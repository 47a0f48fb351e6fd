/**
 * Model-written text reaches another model only inside a data block, so a question that says "ignore your
 * instructions" reads as data. Tag-like text inside the content (`<question>`, `</answer>`) is neutralised with a
 * backslash, so content can neither end its block early nor forge a block of its own.
 */
const TAG_LIKE = /<(\/?)([A-Za-z_][\w-]*)>/g;
const ESCAPED_TAG = /<\\(\/?)([A-Za-z_][\w-]*)>/g;

export function dataBlock(tag: string, content: string): string {
  return `<${tag}>\n${content.replace(TAG_LIKE, "<\\$1$2>")}\n</${tag}>`;
}

/** Reads one data block back (the inverse of dataBlock); undefined when the text has none. */
export function readDataBlock(text: string, tag: string): string | undefined {
  const open = `<${tag}>\n`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(`\n</${tag}>`, start + open.length);
  if (end < 0) return undefined;
  return text.slice(start + open.length, end).replace(ESCAPED_TAG, "<$1$2>");
}

/** Reads a `Name: value` header line, as prompts carry their domain (and the Attacker's its skill and answer format). */
export function readHeader(text: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.+)$`, "m").exec(text);
  return match?.[1]?.trim();
}
