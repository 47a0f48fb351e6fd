import { clearLine, moveCursor } from "node:readline";
import cliProgress, { type Options, type SingleBar } from "cli-progress";
import { isQuiet } from "./output.ts";

/**
 * The one live line a command keeps at the bottom of a terminal (a progress bar, drawn by cli-progress), and
 * everything else written to the same stream: a log line or a note is printed above the bar by cli-progress's
 * MultiBar (`log`), which draws the bar again under it, so neither garbles the other. Off a terminal there is no
 * live line and writes go straight through.
 */
export class LiveLine {
  #bars: cliProgress.MultiBar | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  get onTerminal(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /**
   * Starts a bar as the live line, drawn at once and then redrawn by cli-progress; a live bar before it is ended
   * first, left as it was. Off a terminal there is no bar.
   */
  start(options: Options, total: number, payload: object): SingleBar | undefined {
    if (!this.onTerminal) return undefined;
    this.end(true);
    this.#bars = new cliProgress.MultiBar({
      ...options,
      stream: this.stream,
      // Drawn again on every frame, also when nothing changed: a line printed above has moved it down.
      forceRedraw: true,
      clearOnComplete: false,
      stopOnComplete: false,
      // The terminal keeps wrapping lines (a long log line printed above stays whole); the bar is cut to fit.
      linewrap: true,
    });
    const bar = this.#bars.create(total, 0, payload);
    this.#bars.update();
    return bar;
  }

  /** Writes whole lines above the live line. */
  print(lines: string): void {
    if (!this.#bars) {
      this.stream.write(lines);
      return;
    }
    this.#bars.log(lines.endsWith("\n") ? lines : `${lines}\n`);
    // At once, not on the next frame: a process may exit right after (a forced quit, a fatal error).
    this.#bars.update();
  }

  /**
   * Ends the live line: its last state is left as the last line printed, or wiped. The MultiBar is dropped, so
   * nothing written after (a fatal error) is drawn over.
   */
  end(keep: boolean): void {
    const bars = this.#bars;
    if (!bars) return;
    this.#bars = undefined;
    bars.stop();
    if (keep) return;
    moveCursor(this.stream, 0, -1);
    clearLine(this.stream, 0);
  }
}

const lines = new WeakMap<NodeJS.WriteStream, LiveLine>();

/** The live line of `stream`: one per stream, shared by everything that writes to it. */
export function liveLine(stream: NodeJS.WriteStream = process.stderr): LiveLine {
  let line = lines.get(stream);
  if (!line) {
    line = new LiveLine(stream);
    lines.set(stream, line);
  }
  return line;
}

/** Writes whole lines to stderr above any live line: how log lines and notes reach the terminal. */
export function writeStderr(text: string): void {
  liveLine(process.stderr).print(text);
}

/** Tells the user what a command is doing, on stderr; `--quiet` leaves notes out. */
export function note(text: string): void {
  if (!isQuiet()) writeStderr(`${text}\n`);
}
