/** The card's Markdown: tables, inline code and single lines that no text put in them can break. */

function cell(value: string | number): string {
  return String(value).replace(/\|/g, "\\|").replace(/\s+/g, " ");
}

export function table(headers: string[], rows: (string | number)[][]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** Inline code that stays inline code whatever the text holds. */
export function code(text: string): string {
  const fence = "`".repeat((text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0) + 1);
  const body = text.replace(/\s+/g, " ");
  return fence.length > 1 ? `${fence} ${body} ${fence}` : `\`${body}\``;
}

export function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
