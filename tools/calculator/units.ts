import { ModelError } from "../../protocol/errors.ts";
import { Rational } from "./rational.ts";

/**
 * Exact unit conversion. Every factor is an exact definition (an inch is 0.0254 m, a pound 0.45359237 kg,
 * a US gallon 3.785411784 L), so conversions stay exact rationals.
 */

export type Dimension = "length" | "mass" | "time" | "volume" | "temperature" | "speed";

interface Unit {
  dimension: Dimension;
  /** Size in the dimension's base unit (m, kg, s, m^3, K, m/s). */
  factor: Rational;
  /** Added after scaling: only temperatures have one (0 °C is 273.15 K). */
  offset: Rational;
}

const exact = (text: string) => Rational.parseDecimal(text);
const unit = (dimension: Dimension, factor: Rational, offset = Rational.ZERO): Unit => ({
  dimension,
  factor,
  offset,
});

const METRE = unit("length", Rational.ONE);
const GRAM = unit("mass", exact("0.001"));
const SECOND = unit("time", Rational.ONE);
const LITRE = unit("volume", exact("0.001"));
const HOUR = unit("time", exact("3600"));
const MILE = unit("length", exact("1609.344"));

/** Units that take SI prefixes, by symbol and by name. */
const PREFIXABLE: Record<string, Unit> = {
  m: METRE,
  metre: METRE,
  meter: METRE,
  g: GRAM,
  gram: GRAM,
  s: SECOND,
  second: SECOND,
  L: LITRE,
  l: LITRE,
  litre: LITRE,
  liter: LITRE,
};

const PREFIX_SYMBOLS: Record<string, string> = {
  T: "1e12",
  G: "1e9",
  M: "1e6",
  k: "1e3",
  h: "1e2",
  da: "1e1",
  d: "1e-1",
  c: "1e-2",
  m: "1e-3",
  u: "1e-6",
  µ: "1e-6",
  μ: "1e-6",
  n: "1e-9",
  p: "1e-12",
};

const PREFIX_NAMES: Record<string, string> = {
  tera: "1e12",
  giga: "1e9",
  mega: "1e6",
  kilo: "1e3",
  hecto: "1e2",
  deca: "1e1",
  deka: "1e1",
  deci: "1e-1",
  centi: "1e-2",
  milli: "1e-3",
  micro: "1e-6",
  nano: "1e-9",
  pico: "1e-12",
};

const FIVE_NINTHS = Rational.of(5n, 9n);

/** Units without prefixes, each with its spellings; matched case-insensitively, plurals allowed. */
const NAMED: Record<string, Unit> = withSpellings([
  [unit("length", exact("0.0254")), "in", "inch", "inches"],
  [unit("length", exact("0.3048")), "ft", "foot", "feet"],
  [unit("length", exact("0.9144")), "yd", "yard"],
  [MILE, "mi", "mile"],
  [unit("length", exact("1852")), "nmi", "nautical_mile"],
  [unit("mass", exact("1000")), "t", "tonne"],
  [unit("mass", exact("0.45359237")), "lb", "lbs", "pound"],
  [unit("mass", exact("0.028349523125")), "oz", "ounce"],
  [unit("mass", exact("6.35029318")), "st", "stone"],
  [unit("time", exact("60")), "min", "minute"],
  [HOUR, "h", "hr", "hour"],
  [unit("time", exact("86400")), "d", "day"],
  [unit("time", exact("604800")), "week"],
  [unit("volume", exact("0.003785411784")), "gal", "gallon"],
  [unit("volume", exact("0.000946352946")), "qt", "quart"],
  [unit("volume", exact("0.000473176473")), "pt", "pint"],
  [unit("volume", exact("0.0002365882365")), "cup"],
  [unit("volume", exact("0.0000295735295625")), "fl_oz", "floz"],
  [unit("volume", exact("0.00001478676478125")), "tbsp"],
  [unit("volume", exact("0.00000492892159375")), "tsp"],
  [unit("speed", MILE.factor.div(HOUR.factor)), "mph"],
  [unit("speed", exact("1000").div(HOUR.factor)), "kph"],
  [unit("speed", exact("1852").div(HOUR.factor)), "kn", "knot"],
  [unit("temperature", Rational.ONE), "K", "kelvin"],
  [unit("temperature", Rational.ONE, exact("273.15")), "C", "°C", "degC", "celsius"],
  [unit("temperature", FIVE_NINTHS, exact("459.67").mul(FIVE_NINTHS)), "F", "°F", "degF", "fahrenheit"],
]);

function withSpellings(groups: ReadonlyArray<readonly [Unit, ...string[]]>): Record<string, Unit> {
  return Object.fromEntries(
    groups.flatMap(([found, ...spellings]) => spellings.map((spelling) => [spelling, found])),
  );
}

/** Converts `value` from one unit to another of the same dimension, exactly. */
export function convertUnits(value: Rational, from: string, to: string): Rational {
  const source = parseUnit(from);
  const target = parseUnit(to);
  if (source.dimension !== target.dimension) {
    throw new ModelError(`cannot convert ${source.dimension} ('${from}') to ${target.dimension} ('${to}')`);
  }
  const inBase = value.mul(source.factor).add(source.offset);
  return inBase.sub(target.offset).div(target.factor);
}

/** Reads a unit: a named unit, a prefixed SI unit, a cubed length ("cm^3") or a speed ("km/h"). */
export function parseUnit(text: string): Unit {
  const name = text.trim();
  const found = simpleUnit(name) ?? cubedLength(name) ?? speed(name);
  if (!found) {
    throw new ModelError(
      `unknown unit '${text}': use e.g. m, km, mi, ft, kg, lb, s, h, L, gal, cm^3, km/h, mph, C, F, K`,
    );
  }
  return found;
}

function simpleUnit(name: string): Unit | undefined {
  const singular = name.length > 3 && name.endsWith("s") ? name.slice(0, -1) : name;
  return (
    NAMED[name] ??
    PREFIXABLE[name] ??
    NAMED[name.toLowerCase()] ??
    NAMED[singular.toLowerCase()] ??
    PREFIXABLE[singular.toLowerCase()] ??
    prefixed(name, PREFIX_SYMBOLS) ??
    prefixed(singular.toLowerCase(), PREFIX_NAMES)
  );
}

function prefixed(name: string, prefixes: Record<string, string>): Unit | undefined {
  for (const [prefix, scale] of Object.entries(prefixes)) {
    const base = name.startsWith(prefix) ? PREFIXABLE[name.slice(prefix.length)] : undefined;
    if (base) return unit(base.dimension, base.factor.mul(exact(scale)));
  }
  return undefined;
}

function cubedLength(name: string): Unit | undefined {
  const match = /^(.+?)\^?3$/.exec(name);
  const base = match?.[1] ? simpleUnit(match[1]) : undefined;
  return base?.dimension === "length" ? unit("volume", base.factor.pow(3n)) : undefined;
}

function speed(name: string): Unit | undefined {
  const [over, under, ...rest] = name.split("/");
  if (!over || !under || rest.length > 0) return undefined;
  const distance = simpleUnit(over.trim());
  const time = simpleUnit(under.trim());
  if (distance?.dimension !== "length" || time?.dimension !== "time") return undefined;
  return unit("speed", distance.factor.div(time.factor));
}
