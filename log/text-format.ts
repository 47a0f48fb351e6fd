import { z } from "zod";
import { printable } from "../protocol/printable.ts";

/**
 * The concise human form of a log line: one line per event, `21:36:01 run started  runId=run-… agents=5`, with
 * WARN or ERROR (or debug) before the message and the event's fields after it as key=value, each value on the
 * line (newlines escaped) and cut when long; the JSON format (`--log-format json`) keeps everything. Stack traces
 * are shown, indented under their line, only when debugging (`--verbose`).
 */

export interface TextFormatOptions {
  /** ANSI colours: dim time and keys, yellow warnings, red errors. */
  color: boolean;
  /** Print an error's stack under its line. */
  stacks: boolean;
}

const LogRecord = z.looseObject({
  level: z.number(),
  time: z.number().optional(),
  msg: z.string().optional(),
});

/** What pino's error serializer makes of an Error. */
const SerializedError = z.looseObject({
  type: z.string().optional(),
  message: z.string(),
  stack: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
});

/** Fields every line has, or that say nothing to a person at a terminal. */
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname"]);
const MAX_VALUE = 160;

const LEVELS: Record<number, { tag: string; colour?: number }> = {
  10: { tag: "trace" },
  20: { tag: "debug" },
  30: { tag: "" },
  40: { tag: "WARN", colour: 33 },
  50: { tag: "ERROR", colour: 31 },
  60: { tag: "FATAL", colour: 31 },
};

/** pino's lines are JSON; anything else is passed through as it is. */
function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function paint(on: boolean, code: number, text: string): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** A value as a terminal line shows it: clipped, and with any control shown as its code rather than acted on. */
function clip(text: string): string {
  const shown = printable(text);
  return shown.length > MAX_VALUE ? `${shown.slice(0, MAX_VALUE - 1)}…` : shown;
}

/** A value as it reads after `key=`: bare when it is one word, otherwise quoted or compact JSON, on one line. */
function renderValue(value: unknown): string {
  if (typeof value === "string") return clip(/^[^\s"'=]+$/.test(value) ? value : JSON.stringify(value));
  if (value === null || typeof value !== "object") return String(value);
  // An error reads as its message (and code); its stack, when wanted, goes under the line.
  const error = SerializedError.safeParse(value);
  if (error.success) {
    const { message, code } = error.data;
    return renderValue(code === undefined ? message : `${message} (${code})`);
  }
  return clip(JSON.stringify(value));
}

function hhmmss(time: number | undefined): string {
  const at = time === undefined ? new Date() : new Date(time);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/**
 * One JSON log line (as pino writes it) in the text form, newline included; a line that is not JSON passes as
 * it is. Every part (message, keys, values, stacks) may carry text from a model or a file: controls in it are
 * shown as codes, never acted on by the terminal.
 */
export function formatLogLine(line: string, options: TextFormatOptions): string {
  const parsed = LogRecord.safeParse(parseJson(line));
  if (!parsed.success) return `${printable(line.replace(/\n$/, ""))}\n`;
  const record = parsed.data;
  const { color } = options;
  const level = LEVELS[record.level] ?? { tag: String(record.level) };
  const dim = record.level < 30;
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${paint(color, 2, `${printable(key)}=`)}${renderValue(value)}`);
  const head = [
    paint(color, 2, hhmmss(record.time)),
    level.tag ? paint(color && level.colour !== undefined, level.colour ?? 0, level.tag) : undefined,
    // A message of several lines (a list of problems) keeps its lines, indented under the first.
    paint(color && dim, 2, indent(record.msg ?? "").trimStart()),
  ].filter((part) => part !== undefined);
  const text = `${head.join(" ")}${fields.length > 0 ? `  ${fields.join(" ")}` : ""}`;
  const stacks = options.stacks
    ? Object.values(record).flatMap((value) => {
        const error = SerializedError.safeParse(value);
        return error.success && error.data.stack ? [indent(error.data.stack)] : [];
      })
    : [];
  return `${[text, ...stacks].join("\n")}\n`;
}

function indent(text: string): string {
  return printable(text)
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
