import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { loadBenchmarkItems } from "../../packages/sim/src/items/benchmarks.ts";
import { type Simulator, startSimulator } from "../../packages/sim/src/server.ts";
import { client, simConfig } from "./sim-fixtures.ts";

// The same folder the product reads: $NANOFLUX_BENCHMARKS_DIR, else ../shared/benchmarks.
const BENCHMARKS = defaultBenchmarksDir().replace(/\/$/, "");
const JANET =
  "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?";

describe("plain-chat evaluation on benchmark items", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator(
      simConfig({
        models: [
          { name: "perfect", skill: 1 },
          { name: "hopeless", skill: 0 },
        ],
        benchmarks: [`${BENCHMARKS}/gsm8k-test.jsonl`, `${BENCHMARKS}/medqa.jsonl`],
      }),
    );
  });
  afterAll(async () => {
    await sim.close();
  });

  const answer = async (model: string, content: string) => {
    const completion = await client(sim.url).chat.completions.create({
      model,
      messages: [{ role: "user", content }],
    });
    return completion.choices[0]?.message.content ?? "";
  };

  it("answers a GSM8K question in prose ending with the answer, right or wrong by skill", async () => {
    const prompt = `Solve the problem. End with "The answer is X."\n\nQuestion: ${JANET}`;
    expect(await answer("perfect", prompt)).toMatch(/The answer is 18\.$/);
    const wrong = await answer("hopeless", prompt);
    expect(wrong).toMatch(/The answer is -?[\d.]+\.$/);
    expect(wrong).not.toMatch(/The answer is 18\.$/);
  });

  it("answers a MedQA item, quoted with its options, with the right letter", async () => {
    const [item] = await loadBenchmarkItems(`${BENCHMARKS}/medqa.jsonl`);
    if (item?.kind !== "choice") throw new Error("medqa.jsonl should hold multiple-choice items");
    const options = Object.entries(item.options).map(([letter, text]) => `${letter}. ${text}`);
    const reply = await answer(
      "perfect",
      `Answer with the letter of the best option.\n\n${item.question}\n\n${options.join("\n")}`,
    );
    expect(reply).toMatch(new RegExp(`The answer is ${item.answer}\\.$`));
  });

  it("does better with more skill across many items", async () => {
    const items = (await loadBenchmarkItems(`${BENCHMARKS}/gsm8k-test.jsonl`)).slice(0, 60);
    sim.skills.setSkill("middling", 0.6);
    sim.skills.setSkill("trained", 0.9);
    const score = async (model: string) => {
      const replies = await Promise.all(items.map((item) => answer(model, item.question)));
      return replies.filter((reply, i) => reply.endsWith(`The answer is ${items[i]?.referenceAnswer}.`))
        .length;
    };
    const [middling, trained] = await Promise.all([score("middling"), score("trained")]);
    expect(trained).toBeGreaterThan(middling);
  });
});
