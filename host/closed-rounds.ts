import type { Subscription } from "@nats-io/nats-core";
import type { Bus } from "../bus/bus.ts";
import { RoundSpec } from "../protocol/schemas.ts";
import { runStageSubject } from "../protocol/subjects.ts";

/** Enough to cover every round a run has in flight many times over, in a few hundred kilobytes. */
const REMEMBERED = 10_000;

/**
 * The rounds of a run closed anywhere, heard as they close. A round closed elsewhere (timed out by the
 * scheduler, say) can no longer count: work on it here is stopped, and a late delivery of it is dropped.
 */
export class ClosedRounds {
  readonly #closed = new Set<string>();
  readonly #listeners = new Map<string, Set<() => void>>();
  readonly #subscription: Subscription;

  constructor(bus: Bus, runId: string) {
    this.#subscription = bus.nc.subscribe(runStageSubject(runId, "round.closed"), {
      callback: (err, msg) => {
        if (err) return;
        const spec = RoundSpec.safeParse((msg.json() as { spec?: unknown } | undefined)?.spec);
        if (spec.success) this.#close(spec.data.roundId);
      },
    });
  }

  has(roundId: string): boolean {
    return this.#closed.has(roundId);
  }

  /** Calls `listener` once, if the round closes; returns the function that stops listening. */
  onClose(roundId: string, listener: () => void): () => void {
    const listeners = this.#listeners.get(roundId) ?? new Set();
    listeners.add(listener);
    this.#listeners.set(roundId, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(roundId);
    };
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }

  #close(roundId: string): void {
    this.#closed.add(roundId);
    if (this.#closed.size > REMEMBERED) this.#closed.delete(this.#closed.values().next().value as string);
    for (const listener of this.#listeners.get(roundId) ?? []) listener();
    this.#listeners.delete(roundId);
  }
}
