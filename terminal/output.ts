import { ConfigError } from "../protocol/errors.ts";

/**
 * How much this process says, and in what form: one setting for every logger and progress bar a command creates.
 * The root command sets it from `--quiet`, `--verbose` and `--log-format` before any subcommand runs
 * (cli/main.ts); without flags, NANOFLUX_LOG_LEVEL and NANOFLUX_LOG_FORMAT decide, then the defaults (info,
 * text). Read when a logger or bar is made, never cached, so a test or library caller can change the environment.
 */

export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface OutputSettings {
  level: LogLevel;
  format: LogFormat;
  /** Warnings and errors only: no notes, no progress bars. What a command prints on stdout is unchanged. */
  quiet: boolean;
}

/** The root command's flags. */
export interface OutputChoice {
  quiet?: boolean;
  verbose?: boolean;
  logFormat?: LogFormat;
}

let choice: OutputChoice = {};

/** Records the root command's flags for everything created afterwards; `{}` goes back to the environment's say. */
export function chooseOutput(next: OutputChoice): void {
  choice = { ...next };
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

function fromEnv<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  values: readonly T[],
): T | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (isOneOf(values, value)) return value;
  throw new ConfigError(`${name}=${JSON.stringify(value.slice(0, 40))} is not one of ${values.join(", ")}`);
}

/** The settings now in force; a bad NANOFLUX_LOG_LEVEL or NANOFLUX_LOG_FORMAT is a ConfigError naming it. */
export function outputSettings(env: NodeJS.ProcessEnv = process.env): OutputSettings {
  const envLevel = fromEnv(env, "NANOFLUX_LOG_LEVEL", LOG_LEVELS);
  const format = choice.logFormat ?? fromEnv(env, "NANOFLUX_LOG_FORMAT", LOG_FORMATS) ?? "text";
  if (choice.quiet) return { level: "warn", format, quiet: true };
  if (choice.verbose) return { level: envLevel === "trace" ? "trace" : "debug", format, quiet: false };
  return { level: envLevel ?? "info", format, quiet: false };
}

/** Whether details meant for debugging (stack traces) should be shown; never throws, for error paths. */
export function wantsDetail(env: NodeJS.ProcessEnv = process.env): boolean {
  if (choice.verbose) return true;
  const level = env.NANOFLUX_LOG_LEVEL?.trim();
  return level === "debug" || level === "trace";
}

/** `--quiet`: no notes and no progress bars. */
export function isQuiet(): boolean {
  return choice.quiet === true;
}
