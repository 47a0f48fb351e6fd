import { describe, expect, it } from "vitest";
import type { StructuredRequest, ToolRunner } from "../../llm/chat-model.ts";
import { ModelError } from "../../protocol/errors.ts";
import {
  ATTACKER_SCHEMA_NAME,
  AttackerOutput,
  DEFENDER_SCHEMA_NAME,
  DefenderOutput,
  JUDGE_DERIVATION_SCHEMA_NAME,
  JudgeDerivation,
} from "../../protocol/role-outputs.ts";
import { ScriptedChatModel, UnexpectedModelCall } from "./scripted-chat-model.ts";

const QUESTION: AttackerOutput = {
  question: "A shop sells 12 pens at $3 each and gives 25% off. What is paid?",
  options: [],
  reference_answer: "27",
  solution_steps: ["12 * 3 = 36", "36 * 0.75 = 27"],
  skill: "percentages",
  hops: 2,
};

const attackerRequest = (user = "Make it a question of complexity 2 on a scale of 1 to 5.") => ({
  role: "attacker",
  system: "You write questions.",
  user,
  schemaName: ATTACKER_SCHEMA_NAME,
  schema: AttackerOutput,
  roundId: "r000001",
});

const defenderRequest = {
  role: "defender",
  system: "Solve it.",
  user: "<question>\nWhat is 2 + 2?\n</question>",
  schemaName: DEFENDER_SCHEMA_NAME,
  schema: DefenderOutput,
};

/** The rejection of a promise, or a failure if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => err,
  );
}

describe("ScriptedChatModel", () => {
  it("answers its steps in order, each checked against the request's schema, and books their usage", async () => {
    const model = new ScriptedChatModel({ id: "alpha" })
      .expect({
        role: "attacker",
        schemaName: ATTACKER_SCHEMA_NAME,
        prompt: /complexity 2/,
        roundId: "r000001",
      })
      .returns(QUESTION, { usage: { promptTokens: 120, completionTokens: 80 } })
      .expect({ role: "defender", schemaName: DEFENDER_SCHEMA_NAME })
      .returns({ reasoning: "2 + 2 = 4", final_answer: "4" });

    const attack = await model.generate(attackerRequest());
    expect(attack.value).toEqual(QUESTION);
    expect(attack.usage).toEqual({
      model: "alpha",
      role: "attacker",
      promptTokens: 120,
      completionTokens: 80,
      calls: 1,
    });
    const defense = await model.generate(defenderRequest);
    expect(defense.value.final_answer).toBe("4");
    expect(defense.usage.promptTokens).toBeGreaterThan(0);
    expect(model.calls.map((call) => [call.role, call.roundId])).toEqual([
      ["attacker", "r000001"],
      ["defender", undefined],
    ]);
    expect(model.totalUsage()).toEqual({
      promptTokens: 120 + defense.usage.promptTokens,
      completionTokens: 80 + defense.usage.completionTokens,
      calls: 2,
    });
    model.assertDone();
  });

  it("refuses a call that does not match the next step, and still reports it when the caller swallows it", async () => {
    const model = new ScriptedChatModel()
      .expect({ role: "attacker", schemaName: ATTACKER_SCHEMA_NAME })
      .returns(QUESTION);
    const refused = await rejection(model.generate(defenderRequest));
    expect(refused).toBeInstanceOf(UnexpectedModelCall);
    expect(String(refused)).toMatch(
      /call 1 does not meet step 1 \(role attacker, schema attacker_question\)/,
    );
    // The step is still there for the call it expects.
    expect((await model.generate(attackerRequest())).value).toEqual(QUESTION);
    expect(() => model.assertDone()).toThrow(/its role is defender/);
  });

  it("refuses a prompt that does not say what the step expects", async () => {
    const model = new ScriptedChatModel()
      .expect({ role: "attacker", schemaName: ATTACKER_SCHEMA_NAME, prompt: /complexity 4/ })
      .returns(QUESTION)
      .expect({
        role: "attacker",
        schemaName: ATTACKER_SCHEMA_NAME,
        prompt: (request) => request.system.includes("a different system prompt"),
      })
      .returns(QUESTION);
    await expect(model.generate(attackerRequest())).rejects.toThrow(/does not match \/complexity 4\//);
    await model.generate(attackerRequest("complexity 4"));
    await expect(model.generate(attackerRequest("complexity 4"))).rejects.toThrow(/predicate rejects it/);
    // Two refused calls, and the step they were refused for is still waiting.
    expect(() => model.assertDone()).toThrow(
      /3 problem\(s\)[\s\S]*step 2 \(role attacker[\s\S]*was never called/,
    );
  });

  it("never repeats a step: a call past the script is refused", async () => {
    const model = new ScriptedChatModel()
      .expect({ role: "attacker", schemaName: ATTACKER_SCHEMA_NAME })
      .returns(QUESTION);
    await model.generate(attackerRequest());
    await expect(model.generate(attackerRequest())).rejects.toThrow(/came after the script's 1 steps/);
    expect(() => model.assertDone()).toThrow(UnexpectedModelCall);
  });

  it("fails the test on steps left unused", async () => {
    const model = new ScriptedChatModel()
      .expect({ role: "attacker", schemaName: ATTACKER_SCHEMA_NAME })
      .returns(QUESTION)
      .expect({ role: "defender", schemaName: DEFENDER_SCHEMA_NAME })
      .returns({ reasoning: "", final_answer: "4" });
    await model.generate(attackerRequest());
    expect(() => model.assertDone()).toThrow(
      /step 2 \(role defender, schema defender_answer\) was never called/,
    );
  });

  it("refuses a scripted output that does not fit the schema: a broken script, not a model's mistake", async () => {
    const model = new ScriptedChatModel()
      .expect({ role: "defender", schemaName: DEFENDER_SCHEMA_NAME })
      .returns({ answer: "4" });
    await expect(model.generate(defenderRequest)).rejects.toThrow(/does not fit schema defender_answer/);
    expect(() => model.assertDone()).toThrow(/does not fit schema/);
  });

  it("throws a scripted error as the adapter would, and books nothing for it", async () => {
    const error = new ModelError("no valid output", { code: "MODEL_MALFORMED" });
    const model = new ScriptedChatModel()
      .expect({ role: "defender", schemaName: DEFENDER_SCHEMA_NAME })
      .fails(error);
    expect(await rejection(model.generate(defenderRequest))).toBe(error);
    expect(model.totalUsage().calls).toBe(0);
    model.assertDone();
  });

  it("hangs until the call's signal aborts", async () => {
    const model = new ScriptedChatModel()
      .expect({ role: "defender", schemaName: DEFENDER_SCHEMA_NAME })
      .hangs();
    const controller = new AbortController();
    const call = rejection(model.generate({ ...defenderRequest, signal: controller.signal }));
    controller.abort(new Error("round closed"));
    expect(String(await call)).toMatch(/round closed/);
    model.assertDone();
  });

  it("lets a step answer from the request, running its tools", async () => {
    const tools: ToolRunner = {
      definitions: () => [{ name: "python", description: "runs python", parameters: { type: "object" } }],
      call: async (name, args) => ({ tool: name, arguments: args, ok: true, output: "stdout:\n27\n" }),
    };
    const model = new ScriptedChatModel()
      .expect({ role: "judge", schemaName: JUDGE_DERIVATION_SCHEMA_NAME })
      .respondsWith(async (request: StructuredRequest<unknown>) => {
        const evidence = await request.tools?.call("python", JSON.stringify({ code: "print(36 * 0.75)" }));
        const printed = /stdout:\n(\S+)/.exec(evidence?.output ?? "")?.[1] ?? "unknown";
        return { well_posed: true, problem: "", derived_answer: printed, reasoning: "computed" };
      });
    const result = await model.generate({
      role: "judge",
      system: "Derive the answer.",
      user: "<question>\n...\n</question>",
      schemaName: JUDGE_DERIVATION_SCHEMA_NAME,
      schema: JudgeDerivation,
      tools,
    });
    expect(result.value.derived_answer).toBe("27");
    model.assertDone();
  });
});
