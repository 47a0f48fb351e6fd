import { SystemError } from "../../../../protocol/errors.ts";
import type { GeneratedQuestion } from "../items/item.ts";
import type { Rng } from "../random.ts";

/** Turns a worked multiple-choice draft into a question with shuffled lettered options. */

export interface ChoiceDraft {
  question: string;
  correct: string;
  /** Plausible wrong answers, most tempting first (each the result of one wrong step). */
  distractors: readonly string[];
  /** The worked solution, one hop per line. */
  steps: readonly string[];
  optionCount?: 4 | 5;
}

const LETTERS = ["A", "B", "C", "D", "E"] as const;

function letterAt(index: number): string {
  const letter = LETTERS[index];
  if (letter === undefined)
    throw new SystemError(`option index ${index} has no letter; use at most ${LETTERS.length} options`);
  return letter;
}

/** The entry for a question `hops` deep (1-based). */
export function atDepth<T>(entries: readonly T[], hops: number): T {
  const entry = entries[hops - 1];
  if (entry === undefined)
    throw new SystemError(`no question ${hops} hops deep here; ask for 1 to ${entries.length}`);
  return entry;
}

/** Spare distractors for a numeric answer ("0.25", "57", "45.8%"), for when a draft's computed slips coincide. */
function numericNeighbours(correct: string): string[] {
  const match = /^(-?\d+(?:\.\d+)?)(.*)$/.exec(correct);
  if (!match) return [];
  const value = Number(match[1]);
  return [value * 2, value / 2, value * 1.5, value + 1].map((x) => `${Number(x.toPrecision(3))}${match[2]}`);
}

export function toChoiceQuestion(rng: Rng, draft: ChoiceDraft, invalid: boolean): GeneratedQuestion {
  const count = draft.optionCount ?? 4;
  const wrong = [...new Set([...draft.distractors, ...numericNeighbours(draft.correct)])]
    .filter((text) => text !== draft.correct)
    .slice(0, count - 1);
  if (wrong.length < count - 1) {
    throw new SystemError(
      `choice draft "${draft.question.slice(0, 60)}" has too few distinct distractors; add more`,
    );
  }
  const texts = rng.shuffle([draft.correct, ...wrong]);
  const options = Object.fromEntries(texts.map((text, i) => [letterAt(i), text]));
  const answer = letterAt(texts.indexOf(draft.correct));
  const wrongLetters = Object.keys(options).filter((letter) => letter !== answer);
  return {
    item: {
      kind: "choice",
      question: draft.question,
      options,
      answer,
      referenceAnswer: invalid ? rng.pick(wrongLetters) : answer,
      hops: draft.steps.length,
      solutionSteps: [...draft.steps],
    },
    publishedSteps: [...draft.steps],
  };
}
