import { SystemError } from "../protocol/errors.ts";

/**
 * Per-model concurrency that adapts to the server (AIMD): it starts at the configured maximum, halves when
 * the server signals overload (429, timeout) and grows back by one after a run of successes, so a busy
 * endpoint is not hammered while a healthy one is used fully.
 */

/** How a call that held a slot ended: `overload` shrinks the limit, `success` counts towards growing it. */
export type LimiterOutcome = "success" | "overload" | "other";

interface Waiter {
  grant: () => void;
  signal?: AbortSignal;
  onAbort: () => void;
}

export class AdaptiveLimiter {
  readonly max: number;
  readonly successesToGrow: number;
  #limit: number;
  #inFlight = 0;
  #successStreak = 0;
  #queue: Waiter[] = [];

  /** `max` is the configured maxConcurrency (a positive integer, checked by the topology schema). */
  constructor(options: { max: number; successesToGrow?: number }) {
    this.max = options.max;
    this.successesToGrow = options.successesToGrow ?? 10;
    this.#limit = options.max;
  }

  get limit(): number {
    return this.#limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves when a slot is free; rejects with the signal's reason if cancelled while queued. */
  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#queue.length === 0 && this.#inFlight < this.#limit) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        signal,
        onAbort: () => {
          this.#queue = this.#queue.filter((w) => w !== waiter);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  release(outcome: LimiterOutcome): void {
    if (this.#inFlight === 0)
      throw new SystemError("AdaptiveLimiter.release called without a matching acquire");
    this.#inFlight--;
    if (outcome === "overload") {
      this.#limit = Math.max(1, Math.floor(this.#limit / 2));
      this.#successStreak = 0;
    } else if (outcome === "success" && ++this.#successStreak >= this.successesToGrow) {
      this.#limit = Math.min(this.max, this.#limit + 1);
      this.#successStreak = 0;
    }
    this.#grantWaiting();
  }

  #grantWaiting(): void {
    while (this.#inFlight < this.#limit) {
      const next = this.#queue.shift();
      if (!next) return;
      next.signal?.removeEventListener("abort", next.onAbort);
      this.#inFlight++;
      next.grant();
    }
  }
}
