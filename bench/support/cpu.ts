import { readFileSync } from "node:fs";

/**
 * CPU time from Linux's /proc, in ms. Unlike wall time it hardly moves when other work shares the machine,
 * so it is the steadier figure on a busy host. NaN where /proc is missing.
 */

/** USER_HZ: /proc counts CPU time in ticks of 10 ms on Linux. */
const TICK_MS = 10;

/** Fields of a /proc stat line after the command name (which may hold spaces): field 3 (state) first. */
function statFields(path: string): string[] | undefined {
  try {
    const text = readFileSync(path, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    // No /proc (not Linux): callers report NaN rather than fail the benchmark.
    return undefined;
  }
}

function ticks(fields: string[] | undefined, ...fieldNumbers: number[]): number {
  if (!fields) return Number.NaN;
  return fieldNumbers.reduce((sum, n) => sum + Number(fields[n - 3]), 0) * TICK_MS;
}

/** The main thread's CPU time (user + system): the event loop that every in-process agent shares. */
export function mainThreadCpuMs(): number {
  return ticks(statFields(`/proc/self/task/${process.pid}/stat`), 14, 15);
}

/** CPU time of child processes that have exited, e.g. an embedded nats-server once it is stopped. */
export function exitedChildrenCpuMs(): number {
  return ticks(statFields("/proc/self/stat"), 16, 17);
}
