/**
 * Model-written text reaches another model only inside a data block, so a question that says "ignore your
 * instructions" reads as data. A closing tag inside the content is neutralised, so content cannot end its block
 * early and pose as instructions.
 */
export function dataBlock(tag: string, content: string): string {
  return `<${tag}>\n${content.replaceAll("</", "<\\/")}\n</${tag}>`;
}

/** Reads one data block back (the inverse of dataBlock); undefined when the text has none. */
export function readDataBlock(text: string, tag: string): string | undefined {
  const open = `<${tag}>\n`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(`\n</${tag}>`, start + open.length);
  if (end < 0) return undefined;
  return text.slice(start + open.length, end).replaceAll("<\\/", "</");
}

/** Reads a `Name: value` header line, as attacker prompts carry domain, skill and complexity. */
export function readHeader(text: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.+)$`, "m").exec(text);
  return match?.[1]?.trim();
}
