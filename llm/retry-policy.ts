/**
 * When to try a failed model call again: exponential backoff with jitter, unless the server said how long to
 * wait (`retry-after-ms`, as OpenAI sends, or the standard `retry-after` in seconds or as an HTTP date).
 */

export interface RetryTiming {
  /** Delay before the first retry; doubles each attempt. */
  baseDelayMs: number;
  /** Ceiling for any wait, a server's Retry-After included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTiming = { baseDelayMs: 500, maxDelayMs: 60_000 };

/** Delay before retry number `retry` (0-based): half fixed, half random, so callers spread out. */
export function backoffDelayMs(
  retry: number,
  timing: RetryTiming,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(timing.maxDelayMs, timing.baseDelayMs * 2 ** retry);
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/** The wait a server asked for, in ms, or undefined when it gave none (or gave nonsense). */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before the next attempt: the server's request when it made one, else backoff; capped either way. */
export function retryDelayMs(retry: number, timing: RetryTiming, serverAskedMs: number | undefined): number {
  return Math.min(timing.maxDelayMs, serverAskedMs ?? backoffDelayMs(retry, timing));
}
