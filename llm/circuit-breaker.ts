import { urlForDisplay } from "../log/redaction.ts";
import { SystemError } from "../protocol/errors.ts";

/**
 * Stops calling an endpoint that keeps failing to connect, so a dead server costs one fast, clear error per
 * call instead of every caller waiting through its retries. After a cool-down it lets calls through again
 * (half-open): one success closes it, one more failure re-opens it.
 */

export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Base URL of the endpoint, for the error message. */
  endpoint: string;
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  readonly endpoint: string;
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly #now: () => number;
  #consecutiveFailures = 0;
  #openedAt: number | undefined;
  #lastFailure = "";

  constructor(options: CircuitBreakerOptions) {
    // A user:password@ in the URL stays out of the messages that name it.
    this.endpoint = urlForDisplay(options.endpoint);
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#openedAt === undefined) return "closed";
    return this.#now() - this.#openedAt >= this.cooldownMs ? "half-open" : "open";
  }

  /** Throws a SystemError while open; call before each request. */
  assertClosed(): void {
    if (this.state !== "open") return;
    const waitS = Math.ceil((this.cooldownMs - (this.#now() - (this.#openedAt ?? 0))) / 1000);
    throw new SystemError(
      `model endpoint ${this.endpoint} is unavailable: ${this.#consecutiveFailures} connection failures in a row ` +
        `(last: ${this.#lastFailure}); calls fail fast for ${waitS}s more: check that the server is running and reachable`,
      { code: "MODEL_CIRCUIT_OPEN" },
    );
  }

  /** The endpoint answered (whatever it said). */
  recordSuccess(): void {
    this.#consecutiveFailures = 0;
    this.#openedAt = undefined;
  }

  /** The endpoint could not be reached or did not answer in time. */
  recordFailure(reason: string): void {
    this.#consecutiveFailures++;
    this.#lastFailure = reason;
    if (this.state === "half-open" || this.#consecutiveFailures >= this.failureThreshold)
      this.#openedAt = this.#now();
  }
}
