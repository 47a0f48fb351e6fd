import { ModelError } from "../../protocol/errors.ts";

/**
 * An exact rational number over BigInt, always in lowest terms with a positive denominator, so equal values
 * have equal fields and 0.1 + 0.2 is exactly 3/10.
 */
export class Rational {
  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new ModelError("division by zero");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const divisor = gcd(n < 0n ? -n : n, d);
    return new Rational(n / divisor, d / divisor);
  }

  /** Parses a decimal literal exactly: "0.1" is 1/10, "1.5e-3" is 3/2000. */
  static parseDecimal(text: string): Rational {
    const match = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    const [, whole = "", fraction = "", exponentText = "0"] = match ?? [];
    if (!match || whole + fraction === "") throw new ModelError(`'${text}' is not a number`);
    const exponent = Number(exponentText) - fraction.length;
    const digits = BigInt(whole + fraction);
    return exponent >= 0
      ? Rational.of(digits * 10n ** BigInt(exponent))
      : Rational.of(digits, 10n ** BigInt(-exponent));
  }

  add(other: Rational): Rational {
    return Rational.of(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Rational): Rational {
    return this.add(other.neg());
  }

  mul(other: Rational): Rational {
    return Rational.of(this.num * other.num, this.den * other.den);
  }

  div(other: Rational): Rational {
    if (other.num === 0n) throw new ModelError("division by zero");
    return Rational.of(this.num * other.den, this.den * other.num);
  }

  neg(): Rational {
    return new Rational(-this.num, this.den);
  }

  abs(): Rational {
    return this.num < 0n ? this.neg() : this;
  }

  /** Raises to an integer power; a negative exponent inverts. */
  pow(exponent: bigint): Rational {
    if (exponent < 0n) return Rational.ONE.div(this).pow(-exponent);
    return new Rational(this.num ** exponent, this.den ** exponent);
  }

  compare(other: Rational): number {
    const difference = this.num * other.den - other.num * this.den;
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }

  equals(other: Rational): boolean {
    return this.num === other.num && this.den === other.den;
  }

  isInteger(): boolean {
    return this.den === 1n;
  }

  floor(): Rational {
    const quotient = this.num / this.den;
    // BigInt division truncates toward zero; negative non-integers need one less.
    return Rational.of(this.num < 0n && quotient * this.den !== this.num ? quotient - 1n : quotient);
  }

  ceil(): Rational {
    return this.neg().floor().neg();
  }

  /** Rounds half away from zero to `places` decimal places. */
  round(places = 0): Rational {
    const scale = 10n ** BigInt(places);
    const scaled = this.abs().mul(Rational.of(scale)).add(Rational.of(1n, 2n)).floor();
    const rounded = Rational.of(scaled.num, scale);
    return this.num < 0n ? rounded.neg() : rounded;
  }

  /** "3/10", or "42" for integers. */
  toFraction(): string {
    return this.isInteger() ? this.num.toString() : `${this.num}/${this.den}`;
  }

  /** Decimal digits, rounded to `places` when the expansion is longer; `exact` says whether nothing was lost. */
  toDecimal(places: number): { text: string; exact: boolean } {
    const rounded = this.round(places);
    const negative = rounded.num < 0n;
    const scaled = ((negative ? -rounded.num : rounded.num) * 10n ** BigInt(places)) / rounded.den;
    const digits = scaled.toString().padStart(places + 1, "0");
    const whole = digits.slice(0, digits.length - places);
    const fraction = digits.slice(digits.length - places).replace(/0+$/, "");
    return {
      text: `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`,
      exact: rounded.equals(this),
    };
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** The integer square root (floor) of a non-negative BigInt, by Newton's method. */
export function integerSqrt(value: bigint): bigint {
  if (value < 2n) return value;
  let guess = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const next = (guess + value / guess) >> 1n;
    if (next >= guess) return guess;
    guess = next;
  }
}
