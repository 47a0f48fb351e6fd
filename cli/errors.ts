import { redactSecrets } from "../log/redaction.ts";
import { errorInfo, nanofluxErrorOf } from "../protocol/errors.ts";
import { liveLine } from "../terminal/live-line.ts";
import { wantsDetail } from "../terminal/output.ts";
import { Interrupted } from "../terminal/signals.ts";

/**
 * Prints an error the way a user can act on it, and gives the exit code its error code maps to
 * (protocol/errors.ts): 2 for their input, 1 otherwise; a command stopped by a signal gives the signal's code. Every line is redacted first (log/redaction.ts): a
 * message may quote a URL with its password or a key's value. An unexpected error's stack is shown with
 * --verbose (or NANOFLUX_LOG_LEVEL=debug).
 */
export function reportFatal(
  err: unknown,
  stderr: NodeJS.WritableStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): number {
  // A progress bar still drawn stays as it was, and the error starts on a line of its own.
  if (stderr === process.stderr) liveLine(process.stderr).end(true);
  const write = (text: string) => stderr.write(redactSecrets(text, env));
  if (err instanceof Interrupted) {
    write(`nanoflux: ${err.message}\n`);
    return err.exitCode;
  }
  const { exitCode } = errorInfo(err);
  // A NanofluxError (or one wrapped in another error) was written for the user; anything else is a bug.
  const known = nanofluxErrorOf(err);
  if (known) {
    write(`nanoflux: ${known.message}\n`);
    return exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  const detail = wantsDetail(env);
  write(`nanoflux: unexpected error: ${message}\n${detail ? "" : "(run with --verbose for details)\n"}`);
  if (detail && err instanceof Error) write(`${err.stack}\n`);
  return exitCode;
}
