import { describe, expect, it } from "vitest";
import { AdaptiveLimiter } from "../../llm/adaptive-limiter.ts";

/** Acquires and records the order in which slots are granted. */
function acquireInto(
  limiter: AdaptiveLimiter,
  granted: string[],
  name: string,
  signal?: AbortSignal,
): Promise<void> {
  return limiter.acquire(signal).then(() => void granted.push(name));
}

describe("AdaptiveLimiter", () => {
  it("grants up to the limit at once and queues the rest in order", async () => {
    const limiter = new AdaptiveLimiter({ max: 2 });
    const granted: string[] = [];
    const all = ["a", "b", "c", "d"].map((name) => acquireInto(limiter, granted, name));
    await Promise.resolve();
    expect(granted).toEqual(["a", "b"]);
    expect(limiter.queued).toBe(2);
    limiter.release("success");
    limiter.release("success");
    await Promise.all(all);
    expect(granted).toEqual(["a", "b", "c", "d"]);
    expect(limiter.inFlight).toBe(2);
  });

  it("halves on overload, never below 1, and grows by one after a run of successes up to max", async () => {
    const limiter = new AdaptiveLimiter({ max: 8, successesToGrow: 3 });
    const cycle = async (outcome: "success" | "overload") => {
      await limiter.acquire();
      limiter.release(outcome);
    };
    await cycle("overload");
    expect(limiter.limit).toBe(4);
    for (let i = 0; i < 4; i++) await cycle("overload");
    expect(limiter.limit).toBe(1);
    for (let i = 0; i < 3; i++) await cycle("success");
    expect(limiter.limit).toBe(2);
    for (let i = 0; i < 100; i++) await cycle("success");
    expect(limiter.limit).toBe(8);
  });

  it("after shrinking, admits a queued caller only once in-flight work falls below the new limit", async () => {
    const limiter = new AdaptiveLimiter({ max: 4 });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    const granted: string[] = [];
    const waiting = acquireInto(limiter, granted, "late");
    limiter.release("overload"); // limit 2, 3 in flight
    limiter.release("other"); // 2 in flight: still full
    await Promise.resolve();
    expect(granted).toEqual([]);
    limiter.release("other"); // 1 in flight
    await waiting;
    expect(granted).toEqual(["late"]);
    expect(limiter.inFlight).toBe(2);
  });

  it("drops a queued caller whose signal aborts, with the signal's reason", async () => {
    const limiter = new AdaptiveLimiter({ max: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(limiter.queued).toBe(0);
    limiter.release("success");
    expect(limiter.inFlight).toBe(0);
  });
});
