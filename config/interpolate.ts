import { ConfigError } from "../core/errors.ts";

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed config with environment values, so
 * secrets stay out of files. A missing variable without a default is an error naming the field.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === "string") {
    return value.replace(PATTERN, (_, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        `${path.join(".") || "(root)"}: environment variable ${name} is not set; export it or write \${${name}:-default}`,
      );
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key])]),
    );
  }
  return value;
}
