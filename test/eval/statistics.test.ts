import { describe, expect, it } from "vitest";
import { mcnemarTest, normalCdf, twoProportionZTest, wilsonInterval } from "../../eval/statistics.ts";

describe("statistics", () => {
  it("gives Wilson intervals that match published values", () => {
    const eight = wilsonInterval(8, 10);
    expect(eight.low).toBeCloseTo(0.4902, 3);
    expect(eight.high).toBeCloseTo(0.9433, 3);
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it("narrows the interval as n grows", () => {
    const small = wilsonInterval(50, 100);
    const large = wilsonInterval(500, 1000);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });

  it("computes the normal CDF", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
  });

  it("runs the two-proportion z-test", () => {
    const test = twoProportionZTest(50, 100, 65, 100);
    expect(test.statistic).toBeCloseTo(2.1456, 3);
    expect(test.pValue).toBeCloseTo(0.0319, 3);
    expect(twoProportionZTest(0, 10, 0, 10).pValue).toBe(1);
  });

  it("runs the exact McNemar test on discordant pairs", () => {
    expect(mcnemarTest(0, 10).pValue).toBeCloseTo(2 / 1024, 8);
    expect(mcnemarTest(5, 5).pValue).toBe(1);
    expect(mcnemarTest(0, 0).pValue).toBe(1);
    // 2 * P(X <= 10) for X ~ Binomial(40, 1/2)
    expect(mcnemarTest(30, 10).pValue).toBeCloseTo(0.002221, 5);
    expect(mcnemarTest(400, 600).pValue).toBeLessThan(1e-9);
  });
});
