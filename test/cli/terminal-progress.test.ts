import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { liveLine } from "../../terminal/live-line.ts";
import { chooseOutput } from "../../terminal/output.ts";
import { ProgressLine } from "../../terminal/progress.ts";
import { progressBar } from "../../terminal/progress-bar.ts";

/** A control sequence (its argument and command) or one character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control sequences are what the terminal reads
const TOKEN = /\u001b\[([0-9;?]*)([A-Za-z])|[\s\S]/gu;

/**
 * A stand-in terminal: what was written, and the screen it shows after the control sequences cli-progress and
 * node:readline write (cursor to a column or up, erase to the line's end or the whole line).
 */
function fakeTerminal(columns = 100, isTTY = true) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns,
    write: (chunk: string) => chunks.push(chunk) > 0,
  } as unknown as NodeJS.WriteStream;
  const screen = () => {
    const rows = [""];
    let row = 0;
    let col = 0;
    for (const [token, arg = "", command] of chunks.join("").matchAll(TOKEN)) {
      const n = Number(arg || 1);
      const line = rows[row] ?? "";
      if (token === "\n") {
        row += 1;
        col = 0;
        rows[row] ??= "";
      } else if (token === "\r") col = 0;
      else if (command === "G") col = n - 1;
      else if (command === "A") row = Math.max(row - n, 0);
      else if (command === "K") rows[row] = arg === "2" ? "" : line.slice(0, col);
      else if (command) throw new Error(`unexpected control sequence ${JSON.stringify(token)}`);
      else {
        rows[row] = line.padEnd(col).slice(0, col) + token + line.slice(col + 1);
        col += 1;
      }
    }
    return rows;
  };
  return { stream, chunks, screen };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  chooseOutput({});
});

describe("progress bar", () => {
  it("draws count, percent, the ETA from the recent rate and a detail; ends with the time it took", () => {
    const terminal = fakeTerminal();
    const bar = progressBar({ label: "train", total: 40, unit: "steps", stream: terminal.stream });
    expect(terminal.screen()).toEqual(["train ░░░░░░░░░░░░░░░░░░░░░░░░   0% | 0/40 steps | ETA ?"]);
    vi.advanceTimersByTime(10_000);
    bar.update(10, "loss 1.7");
    vi.advanceTimersByTime(100);
    // 10 steps in 10 s: 30 steps left take 30 s.
    expect(terminal.screen()).toEqual([
      "train ██████░░░░░░░░░░░░░░░░░░  25% | 10/40 steps | ETA 30s | loss 1.7",
    ]);
    bar.setTotal(20);
    vi.advanceTimersByTime(1_000);
    bar.update(20);
    bar.stop();
    expect(terminal.screen()).toEqual([
      "train ████████████████████████ 100% | 20/20 steps | took 11s | loss 1.7",
      "",
    ]);
    const written = terminal.chunks.length;
    bar.stop();
    bar.update(21);
    vi.advanceTimersByTime(1_000);
    expect(terminal.chunks).toHaveLength(written);
  });

  it("prints lines written meanwhile above the bar, where the bar and its last state never overwrite them", () => {
    const terminal = fakeTerminal();
    const line = liveLine(terminal.stream);
    line.print("before\n");
    const bar = progressBar({ label: "eval", total: 4, unit: "items", stream: terminal.stream });
    bar.update(1, "acc 100.0%");
    line.print("21:36:01 WARN model slow\n");
    vi.advanceTimersByTime(500);
    bar.update(2, "acc 50.0%");
    // Written just before the bar stops, and without its newline.
    line.print("21:36:02 WARN model slower");
    bar.stop();
    line.print("nanoflux: after\n");
    expect(terminal.screen()).toEqual([
      "before",
      "21:36:01 WARN model slow",
      "21:36:02 WARN model slower",
      expect.stringMatching(/^eval █{12}░{12} {2}50% \| 2\/4 items \| took 1s \| acc 50\.0%$/),
      "nanoflux: after",
      "",
    ]);
  });

  it("leaves the bar as it was when something else ends it (a fatal error), and draws nothing over what follows", () => {
    const terminal = fakeTerminal();
    const bar = progressBar({
      label: "train",
      total: 10,
      unit: "steps",
      stream: terminal.stream,
      startedAt: Date.now() - 60_000,
    });
    vi.advanceTimersByTime(2_000);
    bar.update(5);
    liveLine(terminal.stream).end(true);
    terminal.stream.write("nanoflux: the backend went away\n");
    bar.update(6);
    bar.stop();
    vi.advanceTimersByTime(1_000);
    expect(terminal.screen()).toEqual([
      "train ████████████░░░░░░░░░░░░  50% | 5/10 steps | ETA 2s",
      "nanoflux: the backend went away",
      "",
    ]);
  });

  it("ended without keeping it, the bar is wiped", () => {
    const terminal = fakeTerminal();
    progressBar({ label: "x", total: 3, unit: "items", stream: terminal.stream }).update(1);
    liveLine(terminal.stream).print("kept\n");
    liveLine(terminal.stream).end(false);
    liveLine(terminal.stream).print("next\n");
    expect(terminal.screen()).toEqual(["kept", "next", ""]);
  });

  it("never wraps: the bar gives up cells, then the line is cut at the terminal's edge", () => {
    const narrow = fakeTerminal(50);
    const bar = progressBar({ label: "eval", total: 1000, unit: "items", stream: narrow.stream });
    bar.update(500, "acc 81.2% · 120 cached · more detail than fits");
    vi.advanceTimersByTime(100);
    const [shown] = narrow.screen();
    expect(shown).toMatch(/^eval [█░]{8} {2}50% \| 500\/1000 items \| ETA/);
    expect(shown).toHaveLength(49);
  });

  it("draws nothing off a terminal, or with --quiet", () => {
    const pipe = fakeTerminal(100, false);
    progressBar({ label: "x", total: 3, unit: "items", stream: pipe.stream }).update(1);
    liveLine(pipe.stream).print("straight through\n");
    vi.advanceTimersByTime(1_000);
    expect(pipe.chunks).toEqual(["straight through\n"]);
    chooseOutput({ quiet: true });
    const terminal = fakeTerminal();
    progressBar({ label: "x", total: 3, unit: "items", stream: terminal.stream }).update(1);
    vi.advanceTimersByTime(1_000);
    expect(terminal.chunks).toEqual([]);
  });
});

describe("a run's progress line", () => {
  const state = { accepted: 2, target: 4, rounds: 3, tokens: 12_345, startedAt: Date.now() - 60_000 };

  it("counts accepted samples toward the target, with rounds per minute and tokens", () => {
    const terminal = fakeTerminal(120);
    const progress = new ProgressLine({ stream: terminal.stream });
    progress.update(state);
    progress.done();
    expect(terminal.screen()[0]).toMatch(
      /^run █+░+ {2}50% \| 2\/4 accepted \| took 1m00s \| rounds 3 \(3\.0\/min\) \| tokens 12\.3k$/,
    );
  });

  it("counts rounds toward a fixed number for a dry run's sample", () => {
    const terminal = fakeTerminal(120);
    const progress = new ProgressLine({ stream: terminal.stream, label: "dry run", rounds: 12 });
    progress.update(state);
    vi.advanceTimersByTime(100);
    // The first update comes as the bar starts: no rate yet.
    expect(terminal.screen()[0]).toMatch(
      /^dry run █+░+ {2}25% \| 3\/12 rounds \| ETA \? \| accepted 2 \| tokens 12\.3k$/,
    );
  });
});
