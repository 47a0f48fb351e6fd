import { type AnswerKind, stripAnswerLeadIn } from "./final-answer.ts";
import { formatNumber, readNumber, withinTolerance } from "./numbers.ts";

/**
 * Deterministic answer checkers. The Judge's decision about correctness comes from these, never from a
 * model's opinion, so an answer that argues with the grader gains nothing.
 */

export const DEFAULT_TOLERANCE = 1e-4;
export const DEFAULT_OPTION_LETTERS = ["A", "B", "C", "D"] as const;

export interface AnswerCheck {
  correct: boolean;
  /** The answer as the checker read it; null when it could not be read. */
  normalizedGiven: string | null;
  normalizedExpected: string | null;
  reason: string;
}

export interface CheckSettings {
  /** Numeric: relative tolerance. */
  tolerance?: number;
  /** Choice: option letter -> text, so an answer may name the option's text instead of its letter. */
  options?: Readonly<Record<string, string>>;
  /** Choice: the letters that exist when `options` is not given. */
  letters?: readonly string[];
}

/** Case, punctuation, articles and whitespace do not change a text answer. */
export function normalizeText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/\b(?:a|an|the)\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** "B", "(B)", "B.", "Answer: B", "b) text", or the option's exact text -> "B"; undefined otherwise. */
export function readOptionLetter(
  text: string,
  options?: Readonly<Record<string, string>>,
  letters: readonly string[] = options ? Object.keys(options) : DEFAULT_OPTION_LETTERS,
): string | undefined {
  const answer = stripAnswerLeadIn(text);
  const answerText = normalizeText(answer);
  const named = Object.entries(options ?? {}).find(([, optionText]) => {
    const normalized = normalizeText(optionText);
    return normalized !== "" && normalized === answerText;
  });
  if (named) return named[0].toUpperCase();
  // A letter needs punctuation or the end after it, so an answer text opening with the article "A" is no letter.
  const letter = /^[([]?([A-Za-z])(?:[)\].:]|$)/.exec(answer)?.[1]?.toUpperCase();
  const known = letters.map((l) => l.toUpperCase());
  return letter !== undefined && known.includes(letter) ? letter : undefined;
}

export function readYesNoMaybe(text: string): "yes" | "no" | "maybe" | undefined {
  const first = normalizeText(stripAnswerLeadIn(text)).split(" ")[0];
  return first === "yes" || first === "no" || first === "maybe" ? first : undefined;
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}...` : flat);
}

interface Reader<T> {
  what: string;
  read(text: string): T | undefined;
  show(value: T): string;
  same(given: T, expected: T): boolean;
  /** Added to a mismatch reason, e.g. the tolerance used. */
  detail?: string;
}

function compare<T>(reader: Reader<T>, given: string, expected: string): AnswerCheck {
  const g = reader.read(given);
  const e = reader.read(expected);
  const normalizedGiven = g === undefined ? null : reader.show(g);
  const normalizedExpected = e === undefined ? null : reader.show(e);
  if (e === undefined) {
    return {
      correct: false,
      normalizedGiven,
      normalizedExpected,
      reason: `expected answer ${quote(expected)} is not ${reader.what}`,
    };
  }
  if (g === undefined) {
    return {
      correct: false,
      normalizedGiven,
      normalizedExpected,
      reason: `answer ${quote(given)} is not ${reader.what}`,
    };
  }
  const correct = reader.same(g, e);
  const reason = correct
    ? `${normalizedGiven} matches the expected ${normalizedExpected}`
    : `${normalizedGiven} differs from the expected ${normalizedExpected}${reader.detail ? ` (${reader.detail})` : ""}`;
  return { correct, normalizedGiven, normalizedExpected, reason };
}

export function checkNumeric(given: string, expected: string, tolerance = DEFAULT_TOLERANCE): AnswerCheck {
  return compare<number>(
    {
      what: "a readable number",
      read: readNumber,
      show: formatNumber,
      same: (a, b) => withinTolerance(a, b, tolerance),
      detail: `relative tolerance ${tolerance}`,
    },
    given,
    expected,
  );
}

export function checkChoice(
  given: string,
  expected: string,
  settings: Pick<CheckSettings, "options" | "letters"> = {},
): AnswerCheck {
  const read = (text: string) => readOptionLetter(text, settings.options, settings.letters);
  return compare<string>(
    { what: "one of the option letters", read, show: String, same: (a, b) => a === b },
    given,
    expected,
  );
}

export function checkYesNoMaybe(given: string, expected: string): AnswerCheck {
  return compare<string>(
    { what: "yes, no or maybe", read: readYesNoMaybe, show: String, same: (a, b) => a === b },
    given,
    expected,
  );
}

export function checkText(given: string, expected: string): AnswerCheck {
  const read = (text: string) => normalizeText(text) || undefined;
  return compare<string>(
    { what: "a non-empty text", read, show: String, same: (a, b) => a === b },
    given,
    expected,
  );
}

export function checkAnswer(
  kind: AnswerKind,
  given: string,
  expected: string,
  settings: CheckSettings = {},
): AnswerCheck {
  switch (kind) {
    case "numeric":
      return checkNumeric(given, expected, settings.tolerance);
    case "choice":
      return checkChoice(given, expected, settings);
    case "yes_no_maybe":
      return checkYesNoMaybe(given, expected);
    case "text":
      return checkText(given, expected);
  }
}
