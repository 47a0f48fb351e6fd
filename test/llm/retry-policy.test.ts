import { describe, expect, it } from "vitest";
import { backoffDelayMs, retryAfterMs, retryDelayMs } from "../../llm/retry-policy.ts";

const timing = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe("backoffDelayMs", () => {
  it("doubles per retry, jitters within the upper half, and stops at the ceiling", () => {
    expect([0, 1, 2].map((retry) => backoffDelayMs(retry, timing, () => 0))).toEqual([50, 100, 200]);
    expect([0, 1, 2].map((retry) => backoffDelayMs(retry, timing, () => 1))).toEqual([100, 200, 400]);
    expect(backoffDelayMs(10, timing, () => 1)).toBe(1_000);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads retry-after-ms, retry-after seconds and retry-after HTTP dates", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }), now)).toBe(2_000);
    expect(retryAfterMs(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(3_000);
  });

  it("ignores missing or nonsensical values", () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ "retry-after": "-1" }), now)).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("prefers the server's wait, capped by the ceiling", () => {
    expect(retryDelayMs(0, timing, 700)).toBe(700);
    expect(retryDelayMs(0, timing, 60_000)).toBe(1_000);
    expect(retryDelayMs(0, timing, undefined)).toBeLessThanOrEqual(100);
  });
});
