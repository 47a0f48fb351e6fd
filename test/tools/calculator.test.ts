import { describe, expect, it } from "vitest";
import { ModelError } from "../../protocol/errors.ts";
import { calculate, calculatorTool, formatCalculation } from "../../tools/calculator/calculator-tool.ts";
import { Rational } from "../../tools/calculator/rational.ts";
import { convertUnits } from "../../tools/calculator/units.ts";
import { createToolRunner } from "../../tools/registry.ts";

const exactly = (expression: string) => {
  const result = calculate(expression);
  expect(result.exact).toBe(true);
  return result.value.toFraction();
};

describe("calculate", () => {
  it("adds decimals exactly: 0.1 + 0.2 is 3/10", () => {
    expect(calculate("0.1 + 0.2").value.equals(Rational.of(3n, 10n))).toBe(true);
    expect(formatCalculation(calculate("0.1 + 0.2"))).toBe("3/10 = 0.3");
  });

  it("keeps integers of any size exact", () => {
    const a = 123456789012345678901234567890n;
    const b = 987654321098765432109876543210n;
    expect(exactly(`${a} * ${b}`)).toBe((a * b).toString());
    expect(exactly("2^200")).toBe((2n ** 200n).toString());
    expect(exactly("(2^64 - 1) / 3")).toBe(((2n ** 64n - 1n) / 3n).toString());
    expect(exactly("(2^64 + 1) / 3")).toBe(`${2n ** 64n + 1n}/3`);
  });

  it.each([
    ["1 + 2 * 3", "7"],
    ["(1 + 2) * 3", "9"],
    ["2 - 3 - 4", "-5"],
    ["24 / 4 / 3", "2"],
    ["-2^2", "-4"],
    ["(-2)^2", "4"],
    ["2^3^2", "512"],
    ["2^-3", "1/8"],
    ["--3", "3"],
    ["1.5e3 + .5", "3001/2"],
    ["15% * 200", "30"],
    ["50%%", "1/200"],
    ["2 ** 10", "1024"],
    ["6 × 7 ÷ 2 − 1", "20"],
  ])("respects precedence and notation: %s = %s", (expression, expected) => {
    expect(exactly(expression)).toBe(expected);
  });

  it.each([
    ["sqrt(16/9)", "4/3"],
    ["abs(-3.25)", "13/4"],
    ["floor(-7/2)", "-4"],
    ["ceil(-7/2)", "-3"],
    ["round(2.5)", "3"],
    ["round(-2.5)", "-3"],
    ["round(1/3, 4)", "3333/10000"],
    ["min(3, 1/2, 0.7)", "1/2"],
    ["max(3, 1/2, 7)", "7"],
  ])("evaluates functions exactly: %s = %s", (expression, expected) => {
    expect(exactly(expression)).toBe(expected);
  });

  it("approximates an irrational square root and flags it", () => {
    const root = calculate("sqrt(2)");
    expect(root.exact).toBe(false);
    expect(formatCalculation(root)).toMatch(/^≈ 1\.41421356237309504880? \(approximate/);
    expect(calculate("sqrt(2) * 2").exact).toBe(false);
  });

  it("shows a repeating decimal as an approximation beside the exact fraction", () => {
    expect(formatCalculation(calculate("1/3"))).toBe("1/3 ≈ 0.33333333333333333333");
    expect(formatCalculation(calculate("6 * 7"))).toBe("42");
  });

  it.each([
    ["1 / 0", /division by zero/],
    ["1 / (2 - 2)", /division by zero/],
    ["0^-1", /division by zero/],
    ["foo(2)", /unknown function 'foo'.*sqrt/],
    ["pi * 2", /unknown name 'pi'/],
    ["(1 + 2", /expected '\)'/],
    ["1 2", /unexpected '2' at column 3/],
    ["2 $ 3", /unexpected character '\$' at column 3/],
    ["2^0.5", /exponents must be exact integers.*sqrt/],
    ["10^10^10", /too large/],
    ["sqrt(-4)", /negative/],
    ["abs(1, 2)", /abs\(\) takes 1 argument/],
    ["round(1.5, 1/2)", /whole number/],
    ['"km" + 1', /only be a unit inside convert/],
  ])("explains what is wrong with %s", (expression, message) => {
    expect(() => calculate(expression)).toThrow(ModelError);
    expect(() => calculate(expression)).toThrow(message);
  });
});

describe("convert", () => {
  it.each([
    ['convert(1, "mi", "km")', "1.609344"],
    ['convert(100, "C", "F")', "212"],
    ['convert(98.6, "°F", "C")', "37"],
    ['convert(0, "K", "C")', "-273.15"],
    ['convert(36, "km/h", "m/s")', "10"],
    ['convert(1, "kn", "km/h")', "1.852"],
    ['convert(1, "gal", "L")', "3.785411784"],
    ['convert(1, "m^3", "L")', "1000"],
    ['convert(250, "mL", "cm3")', "250"],
    ['convert(2, "lb", "oz")', "32"],
    ['convert(1, "h", "ms")', "3600000"],
    ['convert(3, "kilometers", "metres")', "3000"],
    ['convert(1.5, "t", "kg")', "1500"],
  ])("%s = %s", (expression, expected) => {
    const result = calculate(expression);
    expect(result.exact).toBe(true);
    expect(result.value.toDecimal(30)).toEqual({ text: expected, exact: true });
  });

  it("converts exactly in both directions", () => {
    const there = convertUnits(Rational.of(5n), "km", "mi");
    expect(convertUnits(there, "mi", "km").equals(Rational.of(5n))).toBe(true);
  });

  it.each([
    ['convert(1, "kg", "m")', /cannot convert mass \('kg'\) to length \('m'\)/],
    ['convert(1, "furlong", "m")', /unknown unit 'furlong'/],
    ['convert(1, "km")', /two quoted units/],
    ["convert(1, km, mi)", /two quoted units/],
  ])("explains what is wrong with %s", (expression, message) => {
    expect(() => calculate(expression)).toThrow(message);
  });
});

describe("Rational", () => {
  it("parses decimals exactly and normalises signs", () => {
    expect(Rational.parseDecimal("0.125").toFraction()).toBe("1/8");
    expect(Rational.parseDecimal("2.5e-2").toFraction()).toBe("1/40");
    expect(Rational.of(3n, -6n).toFraction()).toBe("-1/2");
  });

  it("rounds decimals half away from zero", () => {
    expect(Rational.of(-1n, 8n).toDecimal(2)).toEqual({ text: "-0.13", exact: false });
    expect(Rational.of(1n, 8n).toDecimal(3)).toEqual({ text: "0.125", exact: true });
  });
});

describe("calculatorTool", () => {
  it("answers through the runner, and reports a bad expression as a failed call", async () => {
    const runner = createToolRunner([calculatorTool()]);
    const good = await runner.call("calculator", JSON.stringify({ expression: "0.1 + 0.2" }));
    expect(good).toMatchObject({ ok: true, output: "3/10 = 0.3" });
    const bad = await runner.call("calculator", JSON.stringify({ expression: "1/0" }));
    expect(bad).toMatchObject({ ok: false, output: "'calculator' failed: division by zero" });
  });
});
