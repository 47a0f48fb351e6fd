import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/**
 * Each bench script exports its measurement (the smoke tests call it with tiny parameters) and runs it only
 * when started as the program: `node bin/run-ts.mjs bench/<name>.ts --flag value`.
 */

export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(resolve(entry)).href === moduleUrl;
}

/** `--name value` flags (numbers) and `--name` switches (booleans) for the keys of `defaults`; others fail. */
export function flags<T extends Record<string, number | boolean>>(defaults: T): T {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: Object.fromEntries(
      Object.entries(defaults).map(([name, value]) => [
        name,
        { type: typeof value === "boolean" ? ("boolean" as const) : ("string" as const) },
      ]),
    ),
  });
  const parsed: Record<string, number | boolean> = { ...defaults };
  for (const [name, given] of Object.entries(values)) {
    if (typeof given === "boolean") {
      parsed[name] = given;
      continue;
    }
    const value = Number(given);
    if (!Number.isFinite(value)) throw new Error(`--${name} wants a number, got "${String(given)}"`);
    parsed[name] = value;
  }
  return parsed as T;
}

/** One JSON line; fractions are cut to four significant digits (more would be noise). */
export function printJson(value: unknown): void {
  console.log(
    JSON.stringify(value, (_key, v) =>
      typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v,
    ),
  );
}
