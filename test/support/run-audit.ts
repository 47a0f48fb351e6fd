import { expect } from "vitest";
import { Bus } from "../../bus/bus.ts";
import { readRunEvents } from "../../bus/run-events.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RunEvent } from "../../protocol/messages.ts";

/** Every event a run recorded, read back from its stream. */
export async function runEvents(natsUrl: string, runId: string): Promise<RunEvent[]> {
  const bus = await Bus.open({ servers: natsUrl, name: "audit", logger: silentLogger() });
  try {
    return (await readRunEvents(bus.js, runId)).map((r) => r.event);
  } finally {
    await bus.close();
  }
}

/** Asserts the run's accounting: every opened round closed exactly once, and nothing closed that never opened. */
export function expectEveryRoundClosedOnce(events: RunEvent[]): { opened: number; closed: number } {
  const opened = events.filter((e) => e.type === "round.opened.v1").map((e) => e.spec.roundId);
  const closed = events.filter((e) => e.type === "round.closed.v1").map((e) => e.spec.roundId);
  expect(new Set(opened).size).toBe(opened.length);
  expect([...closed].sort()).toEqual([...opened].sort());
  return { opened: opened.length, closed: closed.length };
}

/**
 * The target was met: at least the target kept, and no more than the rounds still in flight when it was reached
 * could add (they are kept: they were paid for).
 */
export function expectTargetMet(accepted: number, target: number, concurrency: number): void {
  expect(accepted).toBeGreaterThanOrEqual(target);
  expect(accepted).toBeLessThan(target + concurrency);
}
