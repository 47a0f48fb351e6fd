import { ModelError } from "../../protocol/errors.ts";
import type { Expression } from "./parser.ts";
import { integerSqrt, Rational } from "./rational.ts";
import { convertUnits } from "./units.ts";

/** A result, and whether it is exact (false once an irrational square root was approximated). */
export interface Calculation {
  value: Rational;
  exact: boolean;
}

/** Guards against results too large to compute in reasonable time (about 300,000 decimal digits). */
const MAX_RESULT_BITS = 1_000_000n;
/** Decimal places kept when a square root is irrational. */
const SQRT_PLACES = 40;

interface NumericFunction {
  arity: readonly [min: number, max: number];
  apply(args: readonly [Calculation, ...Calculation[]]): Calculation;
}

const NUMERIC_FUNCTIONS: Record<string, NumericFunction> = {
  sqrt: { arity: [1, 1], apply: ([x]) => squareRoot(x) },
  abs: { arity: [1, 1], apply: ([x]) => map(x, (value) => value.abs()) },
  floor: { arity: [1, 1], apply: ([x]) => map(x, (value) => value.floor()) },
  ceil: { arity: [1, 1], apply: ([x]) => map(x, (value) => value.ceil()) },
  round: { arity: [1, 2], apply: ([x, places]) => roundTo(x, places) },
  min: { arity: [1, Number.POSITIVE_INFINITY], apply: (args) => pick(args, -1) },
  max: { arity: [1, Number.POSITIVE_INFINITY], apply: (args) => pick(args, 1) },
};

const FUNCTION_NAMES = [...Object.keys(NUMERIC_FUNCTIONS), "convert"].join(", ");

export function evaluate(node: Expression): Calculation {
  switch (node.kind) {
    case "number":
      return { value: Rational.parseDecimal(node.text), exact: true };
    case "negate":
      return map(evaluate(node.operand), (value) => value.neg());
    case "percent":
      return map(evaluate(node.operand), (value) => value.div(Rational.of(100n)));
    case "binary":
      return binary(node.operator, evaluate(node.left), evaluate(node.right));
    case "call":
      return call(node.name, node.args, node.at);
    case "string":
      throw new ModelError(
        `the text "${node.text}" at column ${node.at} can only be a unit inside convert(value, "from", "to")`,
      );
    case "name":
      throw new ModelError(
        `unknown name '${node.text}' at column ${node.at}: write numbers, operators and functions (${FUNCTION_NAMES}); put units in quotes inside convert()`,
      );
  }
}

function binary(operator: "+" | "-" | "*" | "/" | "^", left: Calculation, right: Calculation): Calculation {
  const exact = left.exact && right.exact;
  switch (operator) {
    case "+":
      return { value: left.value.add(right.value), exact };
    case "-":
      return { value: left.value.sub(right.value), exact };
    case "*":
      return { value: left.value.mul(right.value), exact };
    case "/":
      return { value: left.value.div(right.value), exact };
    case "^":
      return { value: power(left.value, right), exact: left.exact };
  }
}

function power(base: Rational, exponent: Calculation): Rational {
  if (!exponent.exact || !exponent.value.isInteger()) {
    throw new ModelError(
      `exponents must be exact integers (got ${exponent.value.toFraction()}); use sqrt() for square roots`,
    );
  }
  const bits = BigInt(base.num.toString(2).length + base.den.toString(2).length);
  const magnitude = exponent.value.num < 0n ? -exponent.value.num : exponent.value.num;
  if (bits * magnitude > MAX_RESULT_BITS) {
    throw new ModelError("the power is too large to compute exactly (over 300,000 digits)");
  }
  return base.pow(exponent.value.num);
}

function call(name: string, args: Expression[], at: number): Calculation {
  if (name === "convert") return convert(args);
  const fn = NUMERIC_FUNCTIONS[name];
  if (!fn)
    throw new ModelError(`unknown function '${name}' at column ${at}: available are ${FUNCTION_NAMES}`);
  const [min, max] = fn.arity;
  const [first, ...rest] = args.map(evaluate);
  if (!first || args.length < min || args.length > max) {
    const expected =
      min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    throw new ModelError(`${name}() takes ${expected} argument(s), got ${args.length}`);
  }
  return fn.apply([first, ...rest]);
}

function convert(args: Expression[]): Calculation {
  const [value, from, to] = args;
  if (args.length !== 3 || !value || from?.kind !== "string" || to?.kind !== "string") {
    throw new ModelError('convert() takes a number and two quoted units, e.g. convert(5, "km", "mi")');
  }
  return map(evaluate(value), (amount) => convertUnits(amount, from.text, to.text));
}

function squareRoot(x: Calculation): Calculation {
  const { num, den } = x.value;
  if (num < 0n) throw new ModelError(`sqrt of a negative number (${x.value.toFraction()})`);
  const rootNum = integerSqrt(num);
  const rootDen = integerSqrt(den);
  if (rootNum * rootNum === num && rootDen * rootDen === den)
    return { value: Rational.of(rootNum, rootDen), exact: x.exact };
  // sqrt(n/d) = sqrt(n*d)/d, scaled so the integer root keeps SQRT_PLACES decimals.
  const scale = 10n ** BigInt(SQRT_PLACES);
  return { value: Rational.of(integerSqrt(num * den * scale * scale), den * scale), exact: false };
}

function roundTo(x: Calculation, places: Calculation | undefined): Calculation {
  if (!places) return map(x, (value) => value.round());
  const digits = places.value;
  if (!digits.isInteger() || digits.num < 0n || digits.num > 100n) {
    throw new ModelError("round(x, places) needs places to be a whole number from 0 to 100");
  }
  return map(x, (value) => value.round(Number(digits.num)));
}

function pick(args: readonly Calculation[], direction: 1 | -1): Calculation {
  return args.reduce((best, candidate) =>
    candidate.value.compare(best.value) === direction ? candidate : best,
  );
}

function map(x: Calculation, change: (value: Rational) => Rational): Calculation {
  return { value: change(x.value), exact: x.exact };
}
