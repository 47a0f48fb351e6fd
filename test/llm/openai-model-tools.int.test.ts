import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ToolRunner } from "../../llm/chat-model.ts";
import { OpenAIChatModel } from "../../llm/openai-model.ts";
import type { ToolEvidence } from "../../protocol/schemas.ts";
import { completion } from "../support/scripted-openai-server.ts";
import { modelConfig, scriptedServerPool, testDeps } from "./model-fixtures.ts";

const Verdict = z.object({ verified_answer: z.string() });
const GOOD = '{"verified_answer": "4"}';

/** A calculator tool that records its calls and answers "4" to anything. */
function fakeCalculator(): ToolRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    definitions: () => [
      {
        name: "calculator",
        description: "evaluates an arithmetic expression",
        parameters: {
          type: "object",
          properties: { expression: { type: "string" } },
          required: ["expression"],
        },
      },
    ],
    call: async (name, argumentsJson): Promise<ToolEvidence> => {
      calls.push(argumentsJson);
      return { tool: name, arguments: argumentsJson, ok: true, output: "4", durationMs: 1 };
    },
  };
}

const pool = scriptedServerPool();
afterEach(pool.closeAll);

function judgeRequest(tools: ToolRunner, maxToolRounds?: number) {
  return {
    role: "judge",
    system: "Check it.",
    user: "Is 2+2=4?",
    schemaName: "judge_verdict",
    schema: Verdict,
    tools,
    maxToolRounds,
  };
}

describe("OpenAIChatModel tool-call loop", () => {
  it("runs the model's tool calls, sends back the results and returns all evidence with summed usage", async () => {
    const server = await pool.serve(
      completion(null, {
        toolCalls: [
          { id: "call_1", name: "calculator", arguments: '{"expression": "2+2"}' },
          { id: "call_2", name: "calculator", arguments: '{"expression": "4*1"}' },
        ],
        usage: { prompt: 100, completion: 20 },
      }),
      completion(GOOD, { usage: { prompt: 150, completion: 10 } }),
    );
    const tools = fakeCalculator();
    const deps = testDeps();
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), deps);
    const result = await model.generate(judgeRequest(tools));

    expect(result.value).toEqual({ verified_answer: "4" });
    expect(tools.calls).toEqual(['{"expression": "2+2"}', '{"expression": "4*1"}']);
    expect(result.evidence.map((e) => e.arguments)).toEqual(tools.calls);
    expect(result.usage).toEqual({
      model: "m1",
      role: "judge",
      promptTokens: 250,
      completionTokens: 30,
      calls: 2,
    });
    expect(deps.usages.map((u) => u.promptTokens)).toEqual([100, 150]);

    expect(server.chatRequest(0).tools?.map((t) => t.function.name)).toEqual(["calculator"]);
    const followUp = server.chatRequest(1).messages.slice(2);
    expect(followUp.map((m) => m.role)).toEqual(["assistant", "tool", "tool"]);
    expect(followUp[0]?.tool_calls?.map((c) => c.id)).toEqual(["call_1", "call_2"]);
    expect(followUp.slice(1).map((m) => [m.tool_call_id, m.content])).toEqual([
      ["call_1", "4"],
      ["call_2", "4"],
    ]);
  });

  it("sends arguments that are not JSON back to the model as a tool error, without running the tool", async () => {
    const server = await pool.serve(
      completion(null, { toolCalls: [{ id: "call_1", name: "calculator", arguments: "{expression: 2+2" }] }),
      completion(GOOD),
    );
    const tools = fakeCalculator();
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const result = await model.generate(judgeRequest(tools));
    expect(tools.calls).toEqual([]);
    expect(result.evidence).toEqual([
      expect.objectContaining({ tool: "calculator", ok: false, arguments: "{expression: 2+2" }),
    ]);
    const toolMessage = server.chatRequest(1).messages.at(-1);
    expect(toolMessage).toMatchObject({ role: "tool", tool_call_id: "call_1" });
    expect(toolMessage?.content).toMatch(/^error: the arguments are not a JSON object/);
  });

  it("stops offering tools after maxToolRounds and asks for the answer", async () => {
    const call = { id: "call_1", name: "calculator", arguments: '{"expression": "2+2"}' };
    const server = await pool.serve(completion(null, { toolCalls: [call] }), completion(GOOD));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const result = await model.generate(judgeRequest(fakeCalculator(), 1));
    expect(result.evidence).toHaveLength(1);
    const last = server.chatRequest(1);
    expect(last.tools).toBeUndefined();
    expect(last.messages.at(-1)).toMatchObject({
      role: "user",
      content: expect.stringMatching(/used all your tool calls/),
    });
  });

  it("treats a tool call after the rounds are spent as unusable output and repairs it", async () => {
    const call = { id: "call_1", name: "calculator", arguments: '{"expression": "2+2"}' };
    const server = await pool.serve(
      completion(null, { toolCalls: [call] }),
      completion(null, { toolCalls: [{ ...call, id: "call_2" }] }),
      completion(GOOD),
    );
    const tools = fakeCalculator();
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const result = await model.generate(judgeRequest(tools, 1));
    expect(result.value.verified_answer).toBe("4");
    expect(tools.calls).toHaveLength(1);
    expect(result.usage.calls).toBe(3);
    expect(server.chatRequest(2).messages.at(-1)?.content).toMatch(/no tool calls are allowed/);
  });
});
