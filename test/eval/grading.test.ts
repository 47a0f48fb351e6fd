import { describe, expect, it } from "vitest";
import type { BenchmarkItem } from "../../eval/benchmark-formats.ts";
import { gradeReply } from "../../eval/grading.ts";
import { renderAnswerLine, renderQuestion } from "../../eval/prompt.ts";

const numeric: BenchmarkItem = { id: "1", question: "q", kind: "numeric", answer: "1234.5" };
const choice: BenchmarkItem = {
  id: "2",
  question: "q",
  kind: "choice",
  options: { A: "yes", B: "no", C: "maybe" },
  answer: "A",
};

describe("gradeReply", () => {
  it("reads the final number with relative tolerance 1e-4", () => {
    expect(gradeReply(numeric, "Step 1: 1000 + 234.5\nThe answer is $1,234.50.").correct).toBe(true);
    expect(gradeReply(numeric, "The answer is 1234.7.").correct).toBe(false);
    expect(gradeReply({ ...numeric, answer: "100000" }, "The answer is 100005.").correct).toBe(true);
    expect(gradeReply({ ...numeric, answer: "100000" }, "The answer is 100011.").correct).toBe(false);
  });

  it("reads option letters and option texts", () => {
    expect(gradeReply(choice, "Reasoning...\nThe answer is A.")).toMatchObject({ given: "A", correct: true });
    expect(gradeReply(choice, "The answer is yes.").correct).toBe(true);
    expect(gradeReply(choice, "The answer is B.").correct).toBe(false);
  });

  it("says when a reply has no answer", () => {
    expect(gradeReply(choice, "I am not sure.")).toMatchObject({ given: null, correct: false });
  });

  it("grades a reply written in the training format as correct", () => {
    const reply = ["Half of 2469 is 1234.5", renderAnswerLine("1234.5")].join("\n");
    expect(gradeReply(numeric, reply).correct).toBe(true);
  });

  it("renders options one per line after the question", () => {
    const text = renderQuestion("Is it?", "choice", choice.options);
    expect(text.split("\n")).toEqual([
      "Is it?",
      "",
      "A. yes",
      "B. no",
      "C. maybe",
      "",
      "(X is the letter of the correct option.)",
    ]);
  });
});
