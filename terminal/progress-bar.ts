import cliProgress, { type Options, type Params } from "cli-progress";
import { liveLine } from "./live-line.ts";
import { formatDuration } from "./numbers.ts";
import { isQuiet } from "./output.ts";

/** A bar with count, rate and ETA for long work of known size (eval items, training steps, dry-run rounds). */
export interface ProgressBar {
  /** Sets how much is done; `detail` is a short text shown after the ETA (a loss, an accuracy). */
  update(done: number, detail?: string): void;
  /** Changes the total when it becomes known (a fine-tune's step count). */
  setTotal(total: number): void;
  /** Removes nothing: leaves the bar's last state on its own line, with the time it took instead of the ETA. */
  stop(): void;
}

export interface ProgressBarOptions {
  label: string;
  total: number;
  /** What is counted: items, steps, rounds. */
  unit: string;
  stream?: NodeJS.WriteStream;
  /**
   * Default: whether the stream is a terminal and the command was not given `--quiet`. Elsewhere the bar draws
   * nothing; the summary tells the end.
   */
  enabled?: boolean;
  /** When the work began (default: now), for the time it took. */
  startedAt?: number;
  /** The clock for the time it took, in milliseconds (default: Date.now); cli-progress times the ETA itself. */
  now?: () => number;
}

const SILENT: ProgressBar = { update() {}, setTotal() {}, stop() {} };

/** The bar's cells: as many as the line has room for, within these bounds. */
const MAX_CELLS = 24;
const MIN_CELLS = 8;

/** What the line shows besides cli-progress's own values; `took` is set when the bar stops. */
interface Payload {
  label: string;
  unit: string;
  /** Empty, or " | " and the caller's detail. */
  detail: string;
  took?: string;
}

const LIVE = "{label} {bar} {percentage}% | {value}/{total} {unit} | ETA {eta_formatted}{detail}";
const FINAL = "{label} {bar} {percentage}% | {value}/{total} {unit} | took {took}{detail}";

/**
 * The line, drawn by cli-progress's formatter, one character narrower than the terminal so that it never wraps:
 * the bar gives up cells first, then the line is cut.
 */
function formatLine(options: Options, params: Params, payload: Payload): string {
  const width = Math.max(params.maxWidth - 1, 10);
  const format = payload.took === undefined ? LIVE : FINAL;
  // No time left with work left: the rate was measured over no time (a first update as the bar starts): unknown.
  const eta = params.eta === 0 && params.value < params.total ? Number.NaN : params.eta;
  const draw = (barsize: number) =>
    cliProgress.Format.Formatter({ ...options, format, barsize }, { ...params, eta }, payload);
  const cells = Math.min(Math.max(width - draw(0).length, MIN_CELLS), MAX_CELLS);
  return draw(cells).slice(0, width);
}

const BAR_OPTIONS: Options = {
  format: formatLine,
  // cli-progress gives the ETA in seconds, or "NULL"/"INF" (and "0" before the first update) when unknown: "?".
  formatTime: (seconds) => formatDuration(typeof seconds === "number" ? seconds * 1000 : Number.NaN),
  barsize: MAX_CELLS,
  barCompleteChar: "█",
  barIncompleteChar: "░",
  // The percentage three characters wide.
  autopadding: true,
  // Nothing of nothing is an empty bar, not a full one.
  emptyOnZero: true,
  // The ETA comes from the rate over the last updates, so that a slow start (a queue) does not skew it.
  etaBuffer: 20,
};

/** Whether bars are drawn on `stream` unless told otherwise. */
export function progressWanted(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !isQuiet();
}

export function progressBar(options: ProgressBarOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (!(options.enabled ?? progressWanted(stream))) return SILENT;
  const now = options.now ?? Date.now;
  const startedAt = options.startedAt ?? now();
  const line = liveLine(stream);
  const payload: Payload = { label: options.label, unit: options.unit, detail: "" };
  // Drawn at once, empty; cli-progress redraws it at most ten times a second.
  const bar = line.start(BAR_OPTIONS, options.total, payload);
  if (!bar) return SILENT;
  // Inactive once stopped, or once the live line was ended by something else (a fatal error) or given to another bar.
  return {
    update(done, detail) {
      if (bar.isActive) bar.update(done, detail === undefined ? {} : { detail: ` | ${detail}` });
    },
    setTotal(total) {
      if (bar.isActive) bar.setTotal(total);
    },
    stop() {
      if (!bar.isActive) return;
      // The last state with the time it took instead of the ETA, left on its own line.
      bar.update({ took: formatDuration(now() - startedAt) });
      line.end(true);
    },
  };
}
