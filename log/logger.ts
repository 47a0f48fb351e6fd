import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Secrets never reach a log line, whatever level: these paths are censored by pino itself.
 * Prompts and completions are logged only at debug level by the callers.
 */
export const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "*.*.apiKey",
  "password",
  "*.password",
  "*.*.password",
  "token",
  "*.token",
  "*.*.token",
  "pass",
  "*.pass",
  "nkey",
  "*.nkey",
  "*.seed",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
];

export interface LoggerOptions {
  level?: string;
  /** Pretty output; defaults to whether stderr is a TTY. */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.NANOFLUX_LOG_LEVEL ?? "info";
  const base = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  if (options.destination) return pino(base, options.destination);
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: "pino-pretty",
        options: { destination: 2, colorize: true, ignore: "pid,hostname" },
      },
    });
  }
  return pino(base, pino.destination(2));
}

/** A logger that drops everything: for tests and library callers that bring their own. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
