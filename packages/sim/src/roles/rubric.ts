import type { JudgeGrading } from "../../../../protocol/role-outputs.ts";
import { evaluateArithmetic, parseNumber, sameNumber } from "../arithmetic.ts";

/**
 * The simulated Judge's rubric: scores from what a reader can see in a reference solution (steps shown against
 * hops needed, a check line, numbered structure, arithmetic that holds). Only solutions whose answer the Judge
 * confirmed are graded. Deterministic, and spread so that complete, checked work reaches L5 while most
 * solutions land in L3-L4.
 */

export interface ReasoningFeatures {
  steps: number;
  numbered: boolean;
  checked: boolean;
  concluded: boolean;
  arithmeticSlips: number;
}

const CHECK = /^(check|verify|verification|double[- ]check|sanity check)\b/i;
const CONCLUSION = /\b(the answer is|final answer|answer:)/i;
const NUMBERED = /^(step\s*\d+|\d+[.)])/i;

/** Whether `left = right` holds, for a line whose left side (after any label) is plain arithmetic. */
function arithmeticHolds(line: string): boolean | undefined {
  const [left, right] = line.split("=", 2);
  if (left === undefined || right === undefined) return undefined;
  const value = evaluateArithmetic(left.slice(left.lastIndexOf(":") + 1).replaceAll(",", ""));
  const stated = parseNumber(right);
  return value === undefined || stated === undefined ? undefined : sameNumber(value, stated);
}

export function readReasoning(text: string): ReasoningFeatures {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const unlabelled = (line: string) => line.replace(NUMBERED, "").replace(/^[:.\s]+/, "");
  const checked = lines.some((line) => CHECK.test(unlabelled(line)));
  const steps = lines.filter((line) => !CHECK.test(unlabelled(line)) && !CONCLUSION.test(line));
  return {
    steps: steps.length,
    numbered: steps.length > 0 && steps.filter((line) => NUMBERED.test(line)).length * 2 >= steps.length,
    checked,
    concluded: lines.some((line) => CONCLUSION.test(line)),
    arithmeticSlips: steps.filter((line) => arithmeticHolds(line) === false).length,
  };
}

function clampScore(value: number): number {
  return Math.min(5, Math.max(1, Math.round(value)));
}

export function scoreRubric(features: ReasoningFeatures, hops: number): JudgeGrading["rubric"] {
  const shown = Math.min(features.steps, hops);
  const structure = features.numbered
    ? features.concluded
      ? 5
      : 4
    : features.steps >= 2 && features.concluded
      ? 3
      : 2;
  return {
    step_validity: clampScore(5 - features.arithmeticSlips - (features.steps === 0 ? 2 : 0)),
    completeness: clampScore(1 + (4 * shown) / Math.max(1, hops)),
    explicit_checking: features.checked ? 5 : shown >= hops ? 2 : 1,
    structure_clarity: features.steps === 0 ? 1 : structure,
    multi_hop_depth: clampScore(1 + shown),
  };
}
