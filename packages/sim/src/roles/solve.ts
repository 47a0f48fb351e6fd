import { formatNumber, lastNumber } from "../arithmetic.ts";
import { runChain, solutionLines } from "../generators/math/chain.ts";
import { digitSlip, slippedValues } from "../generators/math/slips.ts";
import type { SimItem } from "../items/item.ts";
import { Rng } from "../random.ts";
import { normalizeText } from "../text.ts";
import type { Turn } from "./turn.ts";

/**
 * How a simulated model answers a question, for the Defender role and for plain-chat evaluation. A model gets
 * each hop right with probability skill; otherwise one step goes wrong and the error carries through. Stronger
 * models also show more of their steps and check their work, so reasoning quality follows skill.
 */

export interface Problem {
  question: string;
  /** Letter -> text for multiple choice. */
  options: Record<string, string> | undefined;
}

export interface Attempt {
  /** Reasoning, one line per step, ending with "The answer is X." */
  lines: string[];
  answer: string;
}

const OPTION_LINE = /^\s*\(?([A-J])[.):]\s+(.+)$/;

/** Options written one per line as "A. text", "A) text" or "(A) text". */
export function parseOptions(text: string | undefined): Record<string, string> | undefined {
  const entries = (text ?? "")
    .split("\n")
    .map((line) => OPTION_LINE.exec(line))
    .filter((match) => match !== null)
    .map((match) => [match[1] ?? "", (match[2] ?? "").trim()] as const);
  return entries.length >= 2 ? Object.fromEntries(entries) : undefined;
}

function placeholderSteps(hops: number, last: string): string[] {
  const middle = Array.from(
    { length: Math.max(0, hops - 2) },
    (_, i) => `Work out intermediate result ${i + 1} from what came before.`,
  );
  return hops === 1 ? [last] : ["Identify what the question gives and what it asks for.", ...middle, last];
}

/** The worked lines and answer for a known question, right or with one wrong step. */
function work(item: SimItem, right: boolean, rng: Rng): { steps: string[]; answer: string } {
  if (item.kind === "numeric") {
    if (item.chain) {
      const values = right ? runChain(item.chain) : slippedValues(rng, item.chain).values;
      return { steps: solutionLines(item.chain, values), answer: formatNumber(values.at(-1) ?? item.answer) };
    }
    const answer = formatNumber(right ? item.answer : digitSlip(rng, item.answer));
    return { steps: placeholderSteps(item.hops, `Putting the pieces together gives ${answer}.`), answer };
  }
  const letters = Object.keys(item.options);
  const answer = right ? item.answer : rng.pick(letters.filter((letter) => letter !== item.answer));
  const conclusion = `That corresponds to option ${answer}: ${item.options[answer] ?? ""}.`;
  const known = item.solutionSteps.length > 0 ? item.solutionSteps : placeholderSteps(item.hops, conclusion);
  return {
    steps: right
      ? known
      : [...known.slice(0, -1), `On balance the evidence points to ${item.options[answer] ?? answer}.`],
    answer,
  };
}

function guess(problem: Problem, rng: Rng): { steps: string[]; answer: string } {
  const letters = Object.keys(problem.options ?? {});
  const answer = letters.length > 0 ? rng.pick(letters) : formatNumber(lastNumber(problem.question) ?? 0);
  return {
    steps: ["I could not work this problem out reliably, so this is a low-confidence guess."],
    answer,
  };
}

/** Weaker models skip steps (never the last), number them less often and rarely check. */
export function presentSolution(steps: string[], answer: string, skill: number, rng: Rng): string[] {
  const last = steps.length - 1;
  const shown = steps.filter((_, i) => i === last || !rng.chance((1 - skill) * 0.7));
  const numbered = rng.chance(0.25 + 0.75 * skill);
  const lines = shown.map((step, i) => (numbered ? `Step ${i + 1}: ${step}` : step));
  if (rng.chance(skill * skill))
    lines.push(`Check: going back through each step with ${answer} gives no contradiction.`);
  lines.push(`The answer is ${answer}.`);
  return lines;
}

export function solve(turn: Turn, problem: Problem, item: SimItem | undefined): Attempt {
  const style = turn.rng.derive("style");
  if (!item) {
    const { steps, answer } = guess(problem, style);
    return { lines: presentSolution(steps, answer, turn.skill * 0.5, style), answer };
  }
  // Whether the model gets it right depends on the question and the skill, not the model name, so a stronger
  // model (say, after fine-tuning) never does worse on a question than a weaker one.
  const fate = Rng.of(turn.seed, "attempt", normalizeText(item.question));
  const right = fate.next() < turn.skill ** item.hops;
  const { steps, answer } = work(item, right, fate);
  return { lines: presentSolution(steps, answer, turn.skill, style), answer };
}
