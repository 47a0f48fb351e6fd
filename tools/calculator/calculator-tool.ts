import { z } from "zod";
import { defineTool, type Tool } from "../registry.ts";
import { type Calculation, evaluate } from "./evaluate.ts";
import { parse } from "./parser.ts";

/** Decimal places shown beside the exact fraction. */
const DECIMAL_PLACES = 20;

/** Evaluates an expression exactly; throws ModelError naming the problem (syntax, division by zero, unit). */
export function calculate(expression: string): Calculation {
  return evaluate(parse(expression));
}

/** "3/10 = 0.3", "1/3 ≈ 0.33333333333333333333", "42", or "≈ 1.41421356237309504880 (approximate ...)". */
export function formatCalculation({ value, exact }: Calculation): string {
  const decimal = value.toDecimal(DECIMAL_PLACES);
  if (!exact) return `≈ ${decimal.text} (approximate: an irrational square root was rounded)`;
  if (value.isInteger()) return value.toFraction();
  return `${value.toFraction()} ${decimal.exact ? "=" : "≈"} ${decimal.text}`;
}

export const CalculatorParameters = z.object({
  expression: z
    .string()
    .describe('an arithmetic expression, e.g. (0.1 + 0.2) * 3^2 - 15% * 40, or convert(60, "mph", "km/h")'),
});

export function calculatorTool(): Tool<typeof CalculatorParameters> {
  return defineTool({
    name: "calculator",
    description: [
      "Exact arithmetic on fractions of any size (no floating-point error): + - * / ^ (integer exponents), parentheses,",
      "decimals, percentages (15% is 0.15), sqrt, abs, min, max, round(x) or round(x, places), floor, ceil, and",
      'convert(value, "from", "to") for length, mass, time, volume, temperature and speed units with SI prefixes',
      '(e.g. "km", "mi", "lb", "h", "L", "gal", "cm^3", "km/h", "mph", "C", "F", "K").',
      "Returns the exact fraction and its decimal value.",
    ].join(" "),
    parameters: CalculatorParameters,
    execute: async ({ expression }) => ({ ok: true, output: formatCalculation(calculate(expression)) }),
  });
}
