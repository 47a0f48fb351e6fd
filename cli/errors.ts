import { redactSecrets } from "../log/redaction.ts";
import { errorInfo, nanofluxErrorOf } from "../protocol/errors.ts";

/**
 * Prints an error the way a user can act on it, and gives the exit code its error code maps to
 * (protocol/errors.ts): 2 for their input, 1 otherwise. Every line is redacted first (log/redaction.ts): a
 * message may quote a URL with its password or a key's value.
 */
export function reportFatal(
  err: unknown,
  stderr: NodeJS.WritableStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const write = (text: string) => stderr.write(redactSecrets(text, env));
  const { exitCode } = errorInfo(err);
  // A NanofluxError (or one wrapped in another error) was written for the user; anything else is a bug.
  const known = nanofluxErrorOf(err);
  if (known) {
    write(`nanoflux: ${known.message}\n`);
    return exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`nanoflux: unexpected error: ${message}\n(run with NANOFLUX_LOG_LEVEL=debug for details)\n`);
  if (env.NANOFLUX_LOG_LEVEL === "debug" && err instanceof Error) write(`${err.stack}\n`);
  return exitCode;
}
