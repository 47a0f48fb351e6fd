import { formatNumber } from "../../arithmetic.ts";
import { capitalize } from "../../text.ts";

/**
 * A math question as data: a start value and one arithmetic operation per reasoning hop. The question text,
 * the worked steps, the Python the Judge runs and a Defender's (possibly slipped) working all come from it,
 * so they cannot disagree.
 */

export type OpKind =
  | "mul"
  | "add"
  | "sub"
  | "pct_keep"
  | "pct_up"
  | "frac_keep"
  | "pack"
  | "leftover"
  | "price"
  | "share"
  | "div";

export interface ChainStep {
  kind: OpKind;
  operand: number;
  /** Denominator of frac_keep (operand is the numerator). */
  denominator?: number;
  /** What the result is, e.g. "muffins left after the gift". */
  label: string;
}

export interface MathChain {
  start: number;
  startLabel: string;
  steps: ChainStep[];
}

export function applyStep(step: ChainStep, value: number): number {
  const a = step.operand;
  switch (step.kind) {
    case "mul":
    case "price":
      return value * a;
    case "add":
      return value + a;
    case "sub":
      return value - a;
    case "pct_keep":
      return Math.floor((value * (100 - a)) / 100);
    case "pct_up":
      return Math.floor((value * (100 + a)) / 100);
    case "frac_keep":
      return Math.floor((value * a) / (step.denominator ?? 1));
    case "pack":
    case "share":
      return Math.floor(value / a);
    case "leftover":
      return value % a;
    case "div":
      return value / a;
  }
}

/** A one-step mistake: the result of step `at` is replaced by `slip(correct, before)`; later steps build on it. */
export interface Slip {
  at: number;
  slip: (correct: number, before: number) => number;
}

/** Values v0 (start) .. vN (answer). */
export function runChain(chain: MathChain, slip?: Slip): number[] {
  const values = [chain.start];
  chain.steps.forEach((step, i) => {
    const before = values[i] ?? chain.start;
    const correct = applyStep(step, before);
    values.push(slip?.at === i ? slip.slip(correct, before) : correct);
  });
  return values;
}

export function answerOf(chain: MathChain): number {
  return runChain(chain).at(-1) ?? chain.start;
}

function expression(step: ChainStep, before: string): string {
  const a = formatNumber(step.operand);
  switch (step.kind) {
    case "mul":
    case "price":
      return `${before} × ${a}`;
    case "add":
      return `${before} + ${a}`;
    case "sub":
      return `${before} - ${a}`;
    case "pct_keep":
      return `${before} × (100 - ${a}) / 100`;
    case "pct_up":
      return `${before} × (100 + ${a}) / 100`;
    case "frac_keep":
      return `${before} × ${a} / ${step.denominator ?? 1}`;
    case "pack":
    case "share":
      return `floor(${before} / ${a})`;
    case "leftover":
      return `${before} mod ${a}`;
    case "div":
      return `${before} / ${a}`;
  }
}

/** "Muffins left after the gift: 38580 - 1204 = 37376" (evaluable by sim/arithmetic.ts). */
function stepLine(step: ChainStep, before: number, after: number): string {
  return `${capitalize(step.label)}: ${expression(step, formatNumber(before))} = ${formatNumber(after)}`;
}

export function solutionLines(chain: MathChain, values = runChain(chain)): string[] {
  return chain.steps.map((step, i) => stepLine(step, values[i] ?? 0, values[i + 1] ?? 0));
}

const PYTHON_OPERATOR: Record<OpKind, (before: string, step: ChainStep) => string> = {
  mul: (v, s) => `${v} * ${s.operand}`,
  price: (v, s) => `${v} * ${s.operand}`,
  add: (v, s) => `${v} + ${s.operand}`,
  sub: (v, s) => `${v} - ${s.operand}`,
  pct_keep: (v, s) => `${v} * (100 - ${s.operand}) // 100`,
  pct_up: (v, s) => `${v} * (100 + ${s.operand}) // 100`,
  frac_keep: (v, s) => `${v} * ${s.operand} // ${s.denominator ?? 1}`,
  pack: (v, s) => `${v} // ${s.operand}`,
  share: (v, s) => `${v} // ${s.operand}`,
  leftover: (v, s) => `${v} % ${s.operand}`,
  div: (v, s) => `${v} / ${s.operand}`,
};

/** A program that prints the answer, one assignment per hop. */
export function pythonCode(chain: MathChain): string {
  const lines = [`value0 = ${chain.start}  # ${chain.startLabel}`];
  chain.steps.forEach((step, i) => {
    lines.push(`value${i + 1} = ${PYTHON_OPERATOR[step.kind](`value${i}`, step)}  # ${step.label}`);
  });
  lines.push(`print(value${chain.steps.length})`);
  return lines.join("\n");
}
