import { InvalidArgumentError } from "commander";

/** Commander argument parsers: a bad value is a usage error (exit 2) before the command does anything. */

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected an integer");
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number >= 0");
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number > 0");
  return n;
}

/** How long `agent` and `tap` wait for a run to start (its coordinator may be starting beside them). */
export const DEFAULT_WAIT_FOR_RUN_S = 30;

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A run id names a folder and a subject token: letters, digits, '-' and '_', never a path. */
export function runIdArgument(value: string): string {
  if (!RUN_ID.test(value))
    throw new InvalidArgumentError(
      `"${value.slice(0, 80)}" is not a run id: use 1-64 letters, digits, '-' and '_', starting with a letter or digit (e.g. run-20261207-a1b2)`,
    );
  return value;
}
