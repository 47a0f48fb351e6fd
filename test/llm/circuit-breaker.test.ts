import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../llm/circuit-breaker.ts";
import { SystemError } from "../../protocol/errors.ts";

function breakerWithClock() {
  const clock = { now: 1_000 };
  const breaker = new CircuitBreaker({
    endpoint: "http://models.local/v1",
    failureThreshold: 3,
    cooldownMs: 10_000,
    now: () => clock.now,
  });
  return { breaker, clock };
}

describe("CircuitBreaker", () => {
  it("opens after K consecutive failures and fails fast with a SystemError naming the endpoint", () => {
    const { breaker } = breakerWithClock();
    breaker.recordFailure("ECONNREFUSED");
    breaker.recordFailure("ECONNREFUSED");
    expect(() => breaker.assertClosed()).not.toThrow();
    breaker.recordFailure("ECONNREFUSED");
    expect(breaker.state).toBe("open");
    expect(() => breaker.assertClosed()).toThrow(SystemError);
    expect(() => breaker.assertClosed()).toThrow(
      /model endpoint http:\/\/models\.local\/v1 is unavailable: 3 connection failures in a row \(last: ECONNREFUSED\).*check that the server is running/,
    );
  });

  it("counts only consecutive failures: a success resets the count", () => {
    const { breaker } = breakerWithClock();
    breaker.recordFailure("ECONNRESET");
    breaker.recordFailure("ECONNRESET");
    breaker.recordSuccess();
    breaker.recordFailure("ECONNRESET");
    breaker.recordFailure("ECONNRESET");
    expect(breaker.state).toBe("closed");
  });

  it("half-opens after the cool-down: one failure re-opens it, one success closes it", () => {
    const { breaker, clock } = breakerWithClock();
    for (let i = 0; i < 3; i++) breaker.recordFailure("timed out");
    clock.now += 9_999;
    expect(breaker.state).toBe("open");
    clock.now += 1;
    expect(breaker.state).toBe("half-open");
    expect(() => breaker.assertClosed()).not.toThrow();
    breaker.recordFailure("timed out");
    expect(breaker.state).toBe("open");
    clock.now += 10_000;
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
    breaker.recordFailure("timed out");
    expect(breaker.state).toBe("closed");
  });
});
