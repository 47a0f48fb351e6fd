import { setTimeout as delay } from "node:timers/promises";
import type { Rng } from "./random.ts";

/**
 * Simulated speed: a time to first token around latencyMs (±25%, from the seeded stream), then tokens at
 * tokensPerSecond. With latency 0 and no token rate nothing waits, so the simulator runs at full speed.
 */

export function firstTokenMs(latencyMs: number, rng: Rng): number {
  return latencyMs <= 0 ? 0 : latencyMs * (0.75 + 0.5 * rng.next());
}

export function generationMs(tokens: number, tokensPerSecond: number | undefined): number {
  return tokensPerSecond === undefined ? 0 : (tokens / tokensPerSecond) * 1000;
}

/** Waits, or rejects with an AbortError when the client has gone. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0) await delay(ms, undefined, { signal });
}
