import { ConfigError } from "../protocol/errors.ts";

/** `{{name}}` placeholders in prompt templates. Anything between double braces counts, so typos are caught. */
const PLACEHOLDER = /\{\{(.*?)\}\}/g;

/** The placeholder names a template uses, trimmed, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => (match[1] ?? "").trim()))];
}

/**
 * Fills every placeholder in one pass, so a value that itself contains `{{skill}}` (a question can) is
 * inserted as written and never expanded. Packs are checked against the known names when they load, so a
 * placeholder without a value means an unchecked template.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, raw: string) => {
    const value = values[raw.trim()];
    if (value === undefined) {
      throw new ConfigError(
        `template placeholder {{${raw.trim()}}} has no value; use a variable listed in prompts/README.md`,
      );
    }
    return value;
  });
}
