import { describe, expect, it } from "vitest";
import { gradeReply } from "../../eval/grading.ts";
import { REASONING_SYSTEM_PROMPT } from "../../eval/prompt.ts";
import { sampleToChat } from "../../trainer/chat-export.ts";
import { question, verdict } from "../support/fixtures.ts";
import { sample } from "./fixtures/samples.ts";

describe("sampleToChat", () => {
  it("teaches the verified worked solution in the format evaluation grades", () => {
    const chat = sampleToChat(sample(1));
    const [system, user, assistant] = chat.messages;
    expect(system).toEqual({ role: "system", content: REASONING_SYSTEM_PROMPT });
    expect(user?.content).toMatch(/^A shop sells 13 pens/);
    expect(assistant?.content).toBe("13 * 3 = 39\n39 * 0.75 = 29.25\nThe answer is 29.25.");
    const item = { id: "x", question: "q", kind: "numeric" as const, answer: "29.25" };
    expect(gradeReply(item, assistant?.content ?? "").correct).toBe(true);
  });

  it("uses the Judge's verified answer over the claimed reference, and lists options", () => {
    const options = { A: "alpha", B: "beta" };
    const chat = sampleToChat(
      sample(1, {
        question: { ...question, options, referenceAnswer: "A" },
        verdict: { ...verdict, verifiedAnswer: "B" },
      }),
    );
    expect(chat.messages[1]?.content).toMatch(/A\. alpha\nB\. beta/);
    expect(chat.messages[2]?.content.endsWith("The answer is B.")).toBe(true);
  });
});
