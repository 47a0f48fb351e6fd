import pino, { type Logger } from "pino";
import { writeStderr } from "../terminal/live-line.ts";
import { type LogFormat, outputSettings } from "../terminal/output.ts";
import { CENSOR, REDACT_PATHS, redactLogLine, redactSecrets } from "./redaction.ts";
import { formatLogLine } from "./text-format.ts";

export type { LogFormat, Logger };

/** Where log lines go: each `write` is one whole line, newline included. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  level?: string;
  /** Default: the process's setting (`--log-format`, NANOFLUX_LOG_FORMAT), text unless JSON is asked for. */
  format?: LogFormat;
  /** Colours in the text format; default: whether the lines go to a terminal's stderr (and NO_COLOR is unset). */
  color?: boolean;
  /** Default: stderr, above any progress bar (terminal/live-line.ts). */
  destination?: LogDestination;
}

function stderrHasColour(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
}

/**
 * The text format is made from the JSON line, after the JSON line's redaction, and is scrubbed once more as
 * text: a secret never reaches a line in either format.
 */
function textDestination(sink: LogDestination, color: boolean, stacks: boolean): LogDestination {
  return { write: (line) => sink.write(redactSecrets(formatLogLine(line, { color, stacks }))) };
}

/**
 * The project's logger. Its level and format come from the process's output settings (terminal/output.ts: the
 * root command's --quiet, --verbose and --log-format, or NANOFLUX_LOG_LEVEL and NANOFLUX_LOG_FORMAT) unless
 * given. Secrets never reach a line, whatever the level or format (redaction.ts: censored fields, then the
 * secret values the process knows and secret-shaped text scrubbed from the finished line); prompts and
 * completions are logged only at debug level, as are routine lifecycle events (agent started, simulator listening).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = outputSettings();
  const level = options.level ?? settings.level;
  const format = options.format ?? settings.format;
  const sink = options.destination ?? { write: writeStderr };
  const color = options.color ?? (options.destination === undefined && stderrHasColour());
  const stacks = level === "debug" || level === "trace";
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      hooks: { streamWrite: redactLogLine },
    },
    format === "json" ? sink : textDestination(sink, color, stacks),
  );
}

/** A logger that drops everything: for tests and library callers that bring their own. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
