import { SystemError } from "../../../../../protocol/errors.ts";
import { sameNumber } from "../../arithmetic.ts";
import type { Rng } from "../../random.ts";
import type { ChainStep, MathChain } from "./chain.ts";
import { runChain } from "./chain.ts";

/** Plausible one-step mistakes: an operation done backwards, a percentage not taken from the whole, a digit slip. */

/** A digit written wrong, in one of the leading digits so the slip is beyond the 1e-4 scoring tolerance. */
export function digitSlip(rng: Rng, correct: number): number {
  const magnitude = Math.floor(Math.log10(Math.max(1, Math.abs(correct))));
  const delta = rng.int(1, 9) * 10 ** rng.int(Math.max(0, magnitude - 2), magnitude);
  return correct - delta >= 0 && rng.chance(0.5) ? correct - delta : correct + delta;
}

function conceptualSlip(step: ChainStep, before: number): number | undefined {
  const a = step.operand;
  if (step.kind === "add") return before - a;
  if (step.kind === "sub") return before + a;
  if (step.kind === "pct_keep") return Math.floor((before * a) / 100);
  if (step.kind === "pct_up") return Math.floor((before * a) / 100);
  // A conversion or an average turned the wrong way round.
  if (step.kind === "div") return before * a;
  return undefined;
}

function slipFor(rng: Rng, step: ChainStep): (correct: number, before: number) => number {
  const conceptual = rng.chance(0.5);
  return (correct, before) => {
    const wrong = conceptual ? conceptualSlip(step, before) : undefined;
    return wrong === undefined || sameNumber(wrong, correct) ? digitSlip(rng, correct) : wrong;
  };
}

/** The chain's values with one mistaken step; the final value always differs from the true answer. */
export function slippedValues(rng: Rng, chain: MathChain): { at: number; values: number[] } {
  const truth = runChain(chain).at(-1) ?? chain.start;
  const last = chain.steps.length - 1;
  // A slip early on can be hidden by a later step (a remainder, a floor); one in the last step never is.
  for (const at of [rng.int(0, last), last]) {
    const step = chain.steps[at];
    if (!step) continue;
    const values = runChain(chain, { at, slip: slipFor(rng, step) });
    if (!sameNumber(values.at(-1) ?? 0, truth)) return { at, values };
  }
  throw new SystemError(
    "slippedValues was given a math chain without steps; build chains with at least one hop",
  );
}
