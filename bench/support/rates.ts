/**
 * Throughput from the times rounds closed. A run starts with seconds of one-off work (Pyodide and the
 * embedder load, NATS and the agents start) and ends with a drain where fewer rounds are in flight; the
 * steady-state rate leaves out the first and the last `edge` closes, the same way for every contender.
 */

export interface RoundRates {
  rounds: number;
  /** Closes per second between close number `edge` and close number `rounds - 1 - edge`. */
  steadyPerSecond: number;
  /** All rounds over the time from `startedAt` (start-up included) to the last close. */
  overallPerSecond: number;
  /** Seconds from `startedAt` to the last close. */
  wallSeconds: number;
  /** performance.now() bounds of the steady-state window. */
  windowFrom: number;
  windowTo: number;
}

export function roundRates(closedAt: readonly number[], startedAt: number, edge: number): RoundRates {
  const times = [...closedAt].sort((a, b) => a - b);
  const first = times[edge];
  const last = times[times.length - 1 - edge];
  const end = times.at(-1);
  if (first === undefined || last === undefined || end === undefined || last <= first)
    throw new Error(
      `too few rounds (${times.length}) for a steady-state window that skips ${edge} at each end`,
    );
  return {
    rounds: times.length,
    steadyPerSecond: (times.length - 1 - 2 * edge) / ((last - first) / 1000),
    overallPerSecond: times.length / ((end - startedAt) / 1000),
    wallSeconds: (end - startedAt) / 1000,
    windowFrom: first,
    windowTo: last,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) throw new Error("median of nothing");
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
