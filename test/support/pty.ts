import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Runs a command on a pseudo-terminal, as a user at a terminal sees it: util-linux `script` gives the command a
 * terminal for stdin, stdout and stderr, and copies everything it prints (both streams, in order) to its own
 * stdout. `plain` turns what was printed into the lines a terminal would show.
 */

const CLI = fileURLToPath(new URL("../../bin/nanoflux.mjs", import.meta.url));

export interface TerminalResult {
  code: number | null;
  /** Everything printed, as the terminal received it: colours, erasures and carriage returns included. */
  raw: string;
  /** The same as plain text (see `plain`). */
  output: string;
}

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * ANSI sequences out; a carriage return, or a move to the first column (how cli-progress starts a redraw), ends
 * a line, as each redraw of a progress bar shows on a terminal, so a bar's states become lines of their own.
 */
export function plain(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is stripped
      .replace(/\u001b\[1?G/g, "\r")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is stripped
      .replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, "")
      .replace(/\r\n?/g, "\n")
  );
}

/** Runs `argv` (a program and its arguments) on a terminal `columns` wide; resolves when it exits. */
export function onTerminal(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; columns?: number; cwd?: string } = {},
): Promise<TerminalResult> {
  // The terminal `script` makes has no size until told: stty gives it one before the command starts.
  const command = `stty cols ${options.columns ?? 120} rows 40 && exec ${argv.map(shellQuote).join(" ")}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let raw = "";
  const collect = (chunk: Buffer) => {
    raw += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, raw, output: plain(raw) }));
  });
}

/** `nanoflux <args>` on a terminal. */
export function nanofluxOnTerminal(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; columns?: number; cwd?: string } = {},
): Promise<TerminalResult> {
  return onTerminal([process.execPath, CLI, ...args], options);
}
