import { describe, expect, it } from "vitest";
import {
  evaluateArithmetic,
  formatNumber,
  lastNumber,
  parseNumber,
  sameNumber,
} from "../../packages/sim/src/arithmetic.ts";

describe("evaluateArithmetic", () => {
  it.each([
    ["3215 × 12", 38580],
    ["25077 × (100 - 35) / 100", 16300.05],
    ["floor(25077 / 24)", 1044],
    ["25077 mod 24", 21],
    ["-3 + 4 * 2", 5],
    ["2 ÷ 4", 0.5],
  ])("evaluates %s", (text, expected) => {
    expect(evaluateArithmetic(text)).toBeCloseTo(expected, 6);
  });

  it.each(["", "3 +", "eggs × 2", "(1 + 2", "4 / 0", "floor 3"])("refuses %j", (text) => {
    expect(evaluateArithmetic(text)).toBeUndefined();
  });
});

describe("numbers in text", () => {
  it("reads numbers with separators and signs", () => {
    expect(parseNumber("$1,234.50")).toBe(1234.5);
    expect(parseNumber("-7 apples")).toBe(-7);
    expect(parseNumber("none")).toBeUndefined();
    expect(lastNumber("stdout:\n12\n38580.0\n")).toBe(38580);
  });

  it("compares with the benchmarks' 1e-4 relative tolerance", () => {
    expect(sameNumber(100000, 100005)).toBe(true);
    expect(sameNumber(100000, 100020)).toBe(false);
    expect(sameNumber(0, 0.00001)).toBe(true);
  });

  it("formats answers canonically", () => {
    expect(formatNumber(38580)).toBe("38580");
    expect(formatNumber(2.5)).toBe("2.5");
    expect(formatNumber(1 / 3)).toBe("0.3333");
  });
});
