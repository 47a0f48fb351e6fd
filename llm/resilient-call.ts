import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../log/logger.ts";
import { NanofluxError } from "../protocol/errors.ts";
import type { AdaptiveLimiter } from "./adaptive-limiter.ts";
import type { CircuitBreaker } from "./circuit-breaker.ts";
import {
  classifyFailure,
  type EndpointContext,
  type EndpointFailure,
  failureToError,
  isConnectionFailure,
} from "./endpoint-failure.ts";
import { type RetryTiming, retryDelayMs } from "./retry-policy.ts";

/**
 * Runs one HTTP call to a model endpoint under the model's limiter and the endpoint's circuit breaker, with
 * a deadline per attempt and retries on transient failures. The openai client's own retries are off so that
 * every retry is decided, timed and logged here.
 *
 * The error code decides (protocol/errors.ts): a failure is retried only when its code is retryable (rate
 * limits, 5xx, timeouts, lost connections), never when it is the user's to fix (a bad key or URL, 401/403,
 * 404, an exhausted quota). An error `send` throws that is already a NanofluxError (the budget refused the
 * call, a setting is wrong) did not come from the endpoint: it is not retried here and goes up as it is.
 */

export interface ResilientCallerOptions {
  context: EndpointContext;
  maxRetries: number;
  timing: RetryTiming;
  limiter: AdaptiveLimiter;
  breaker: CircuitBreaker;
  logger: Logger;
}

export class ResilientCaller {
  readonly #options: ResilientCallerOptions;

  constructor(options: ResilientCallerOptions) {
    this.#options = options;
  }

  /** `send` gets a signal that fires on the caller's cancellation or the attempt's deadline. */
  async call<T>(send: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const { context, maxRetries, timing, limiter, breaker, logger } = this.#options;
    for (let retry = 0; ; retry++) {
      signal?.throwIfAborted();
      breaker.assertClosed();
      await limiter.acquire(signal);
      const deadline = AbortSignal.timeout(context.timeoutMs);
      let failure: EndpointFailure;
      try {
        const result = await send(signal ? AbortSignal.any([signal, deadline]) : deadline);
        limiter.release("success");
        breaker.recordSuccess();
        return result;
      } catch (err) {
        if (signal?.aborted) {
          limiter.release("other");
          throw signal.reason;
        }
        // Refused before it was sent (the budget, a setting): no endpoint failed, and the code already says
        // what to do; a budget refusal stops here, whatever the retries left.
        if (err instanceof NanofluxError) {
          limiter.release("other");
          throw err;
        }
        failure = classifyFailure(err, deadline.aborted);
        limiter.release(failure.kind === "rate_limited" || failure.kind === "timeout" ? "overload" : "other");
        if (isConnectionFailure(failure)) breaker.recordFailure(failure.detail);
        else breaker.recordSuccess();
      }
      if (!failure.retryable || retry >= maxRetries) throw failureToError(failure, context, retry + 1);
      const delayMs = retryDelayMs(retry, timing, failure.retryAfterMs);
      logger.warn(
        {
          model: context.modelId,
          failure: failure.kind,
          status: failure.status,
          attempt: retry + 1,
          delayMs,
        },
        `model call failed (${failure.detail}); retrying`,
      );
      await pause(delayMs, signal);
    }
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    // Surface the caller's own abort reason rather than the timer's AbortError wrapper.
    signal?.throwIfAborted();
    throw err;
  }
}
