import pino, { type Logger } from "pino";
import { CENSOR, REDACT_PATHS, redactLogLine } from "./redaction.ts";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Pretty output; defaults to whether stderr is a TTY. */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

/**
 * The project's logger. Secrets never reach a line, whatever the level (redaction.ts: censored fields, then the
 * secret values the process knows and secret-shaped text scrubbed from the finished line); prompts and
 * completions are logged only at debug level.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.NANOFLUX_LOG_LEVEL ?? "info";
  const base = {
    level,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    hooks: { streamWrite: redactLogLine },
  };
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
