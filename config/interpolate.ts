import { formatPath, type TopologyIssue } from "./issues.ts";

/** A longer name is cut in messages (the file is bounded, not each name in it). */
const MAX_NAME_SHOWN = 128;

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Interpolated {
  value: unknown;
  /** One per `${NAME}` with no value and no default; the placeholder is left in place. */
  issues: TopologyIssue[];
}

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed config with environment values, so
 * secrets stay out of files. Every missing variable without a default is reported with the field it is in.
 */
export function interpolateEnv(document: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const issues: TopologyIssue[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === "string") {
      return value.replace(PATTERN, (placeholder, name: string, fallback: string | undefined) => {
        const found = env[name] ?? fallback;
        if (found !== undefined) return found;
        const shown = name.length > MAX_NAME_SHOWN ? `${name.slice(0, MAX_NAME_SHOWN)}…` : name;
        issues.push({
          path: formatPath(path),
          message: `environment variable ${shown} is not set`,
          hint: `export ${shown}=... before running, or write \${${shown}:-default} in the file`,
        });
        return placeholder;
      });
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]),
      );
    }
    return value;
  };
  return { value: walk(document, []), issues };
}
