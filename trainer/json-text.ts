/** Parsed JSON as unknown, or undefined when the text is not JSON; callers safeParse what comes back. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
