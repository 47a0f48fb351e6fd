import { ConfigError, NanofluxError } from "../core/errors.ts";

/** Prints an error the way a user can act on it, and gives the exit code: 2 for their input, 1 otherwise. */
export function reportFatal(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof NanofluxError) {
    stderr.write(`nanoflux: ${err.message}\n`);
    return err instanceof ConfigError ? 2 : 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`nanoflux: unexpected error: ${message}\n(run with NANOFLUX_LOG_LEVEL=debug for details)\n`);
  if (process.env.NANOFLUX_LOG_LEVEL === "debug" && err instanceof Error) stderr.write(`${err.stack}\n`);
  return 1;
}
