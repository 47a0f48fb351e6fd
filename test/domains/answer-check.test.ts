import { describe, expect, test } from "vitest";
import {
  checkAnswer,
  checkChoice,
  checkNumeric,
  normalizeText,
  readOptionLetter,
  readYesNoMaybe,
} from "../../domains/answer-check.ts";
import { extractFinalAnswer } from "../../domains/final-answer.ts";
import { readNumber } from "../../domains/numbers.ts";

describe("readNumber", () => {
  test.each([
    ["1,234.5", 1234.5],
    ["$12", 12],
    ["3/4", 0.75],
    ["-2", -2],
    ["1.2e3", 1200],
    ["12 dollars", 12],
    ["x = 12", 12],
    ["-$5", -5],
    ["$-5", -5],
    ["\u22127", -7],
    ["2 1/2", 2.5],
    ["x = -3/4", -0.75],
    ["The answer is 1,000,000.", 1_000_000],
    ["10-2=8", 8],
    [".5 hours", 0.5],
  ])("%j -> %d", (text, expected) => {
    expect(readNumber(text)).toBeCloseTo(expected, 12);
  });

  test.each(["twelve", "", "n/a"])("%j has no number", (text) => {
    expect(readNumber(text)).toBeUndefined();
  });

  test("a hyphen between numbers is a subtraction, not a negative sign", () => {
    expect(readNumber("10-2")).toBe(2);
  });
});

describe("checkNumeric", () => {
  test.each([
    ["12", "12", true],
    ["$1,234.50", "1234.5", true],
    ["0.75", "3/4", true],
    ["-2", "2", false],
    ["100.005", "100", true],
    ["100.02", "100", false],
    ["5.551115123125783e-17", "0", true],
    ["0.0001", "0", false],
    ["twelve", "12", false],
  ])("given %j, expected %j -> %s", (given, expected, correct) => {
    expect(checkNumeric(given, expected).correct).toBe(correct);
  });

  test("a looser tolerance accepts what the default rejects", () => {
    expect(checkNumeric("101", "100").correct).toBe(false);
    expect(checkNumeric("101", "100", 0.02).correct).toBe(true);
  });

  test("reports the numbers it read and why it failed", () => {
    expect(checkNumeric("x = 13", "12")).toEqual({
      correct: false,
      normalizedGiven: "13",
      normalizedExpected: "12",
      reason: "13 differs from the expected 12 (relative tolerance 0.0001)",
    });
    expect(checkNumeric("about a dozen", "12")).toMatchObject({
      normalizedGiven: null,
      reason: expect.stringContaining("not a readable number"),
    });
  });
});

describe("option letters", () => {
  const options = {
    A: "A deficiency of factor VIII",
    B: "Hemophilia B",
    C: "Sodium excess",
    D: "None of these",
  };

  test.each([
    ["B", "B"],
    ["(B)", "B"],
    ["B.", "B"],
    ["Answer: B", "B"],
    ["b) Hemophilia B", "B"],
    ["The correct answer is (C).", "C"],
    ["Option D", "D"],
    ["hemophilia b", "B"],
    ["A deficiency of factor VIII", "A"],
    ["sodium excess.", "C"],
  ])("%j -> %s", (text, letter) => {
    expect(readOptionLetter(text, options)).toBe(letter);
  });

  test.each(["E", "Answering", "Sodium", ""])("%j is no option", (text) => {
    expect(readOptionLetter(text, options)).toBeUndefined();
  });

  test("without options, the given letters bound what counts", () => {
    expect(readOptionLetter("E", undefined, ["A", "B", "C", "D", "E"])).toBe("E");
    expect(readOptionLetter("E")).toBeUndefined();
  });

  test("checkChoice compares letters however they are written", () => {
    expect(checkChoice("Answer: (b)", "B", { options }).correct).toBe(true);
    expect(checkChoice("Hemophilia B", "B", { options }).correct).toBe(true);
    expect(checkChoice("C", "B", { options })).toMatchObject({
      correct: false,
      normalizedGiven: "C",
      normalizedExpected: "B",
    });
  });
});

describe("yes/no/maybe and text", () => {
  test.each([
    ["Yes", "yes"],
    ["no.", "no"],
    ["Answer: maybe, it depends", "maybe"],
    ["perhaps", undefined],
  ])("%j -> %s", (text, expected) => {
    expect(readYesNoMaybe(text)).toBe(expected);
  });

  test.each([
    ["The Eiffel Tower!", "eiffel tower", true],
    ["  an   Apple ", "apple", true],
    ["Mitochondria", "the ribosome", false],
  ])("text %j vs %j -> %s", (given, expected, correct) => {
    expect(checkAnswer("text", given, expected).correct).toBe(correct);
  });

  test("normalizeText drops case, punctuation, articles and extra spaces", () => {
    expect(normalizeText("  The  Krebs-cycle, an Example. ")).toBe("krebs cycle example");
  });

  test("checkAnswer dispatches on the answer kind", () => {
    expect(checkAnswer("yes_no_maybe", "Yes, clearly", "yes").correct).toBe(true);
    expect(checkAnswer("numeric", "1.2e3", "1200").correct).toBe(true);
    expect(checkAnswer("choice", "(c)", "C").correct).toBe(true);
  });
});

describe("extractFinalAnswer", () => {
  test.each([
    ["3 + 4 = 7.\nThe answer is 7.", "numeric", "7"],
    ["so x = \\boxed{-3/4} overall", "numeric", "-3/4"],
    ["work\n#### 1,234", "numeric", "1,234"],
    ["first 5, then 6", "numeric", "6"],
    ["Final answer: C. Hemophilia", "choice", "C. Hemophilia"],
    ["I think (B) is right", "choice", "B"],
    ["Weighing both...\nMaybe", "yes_no_maybe", "Maybe"],
  ] as const)("%j (%s) -> %j", (text, kind, expected) => {
    expect(extractFinalAnswer(text, kind)).toBe(expected);
  });

  test("nothing answer-like gives undefined", () => {
    expect(extractFinalAnswer("no idea", "numeric")).toBeUndefined();
    expect(extractFinalAnswer("no idea", "choice")).toBeUndefined();
  });
});
