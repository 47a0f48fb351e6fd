/**
 * Reading numbers out of model-written answers and tool output. GSM-Hard style targets can be large, negative
 * or fractional, and models decorate them ("$1,234.50", "x = -3/4", "12 dollars"), so parsing is lenient about
 * decoration and strict about the number itself.
 */

const DECIMAL = String.raw`(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?`;
// A sign counts only when it does not follow a word or digit: "10-2" is a subtraction, not the number -2.
const SIGN = String.raw`(?<![\w.])-?`;
const NUMBER_TOKEN = new RegExp(
  [
    String.raw`(?<mixedSign>${SIGN})(?<whole>\d+)\s+(?<mixedNum>\d+)\s*\/\s*(?<mixedDen>\d+)(?![\d.])`,
    String.raw`(?<fracSign>${SIGN})(?<num>${DECIMAL})\s*\/\s*(?<den>${DECIMAL})`,
    `(?<plain>${SIGN}${DECIMAL})`,
  ].join("|"),
  "gi",
);

/** Removes what decorates a number but is not part of it: currency signs, thousands separators, odd minus signs. */
function undecorate(text: string): string {
  return text
    .replace(/[\u2212\u2013]/g, "-")
    .replace(/[$€£¥]/g, "")
    .replace(/(\d),(?=\d{3}(?!\d))/g, "$1");
}

function tokenValue(groups: Record<string, string | undefined>): number {
  if (groups.whole !== undefined) {
    const magnitude = Number(groups.whole) + Number(groups.mixedNum) / Number(groups.mixedDen);
    return groups.mixedSign ? -magnitude : magnitude;
  }
  if (groups.num !== undefined) {
    const value = Number(groups.num) / Number(groups.den);
    return groups.fracSign ? -value : value;
  }
  return Number(groups.plain);
}

/** Every number in the text, in order of appearance. */
export function numbersIn(text: string): number[] {
  return [...undecorate(text).matchAll(NUMBER_TOKEN)]
    .map((match) => tokenValue(match.groups ?? {}))
    .filter((value) => Number.isFinite(value));
}

/**
 * The number an answer states: the last number after the last "=", else the last number at all (the GSM8K
 * convention: "x = 12", "12 dollars", "so she pays $1,234.50"). Undefined when there is none.
 */
export function readNumber(text: string): number | undefined {
  const afterEquals = text.slice(text.lastIndexOf("=") + 1);
  return numbersIn(afterEquals).at(-1) ?? numbersIn(text).at(-1);
}

/**
 * Relative comparison. The absolute floor keeps float noise around zero (0.1 + 0.2 - 0.3) from failing a
 * reference answer of 0, where a purely relative test can never pass.
 */
export function withinTolerance(a: number, b: number, relativeTolerance: number): boolean {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= Math.max(relativeTolerance * scale, 1e-9);
}

/** A stable text form: 12 significant digits hide float noise (0.30000000000000004 -> "0.3"). */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}
