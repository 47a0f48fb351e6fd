import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAIChatModel } from "../../llm/openai-model.ts";
import { ConfigError, ModelError } from "../../protocol/errors.ts";
import { apiError, completion } from "../support/scripted-openai-server.ts";
import { modelConfig, scriptedServerPool, testDeps } from "./model-fixtures.ts";

const Answer = z.object({ reasoning: z.string(), final_answer: z.string() });
const request = {
  role: "defender",
  system: "Solve it.",
  user: "What is 2+2?",
  schemaName: "defender_answer",
  schema: Answer,
};
const GOOD = '{"reasoning": "2+2=4", "final_answer": "4"}';

const pool = scriptedServerPool();
afterEach(pool.closeAll);

describe("OpenAIChatModel structured output", () => {
  it("sends a strict json_schema response format with the model's sampling settings", async () => {
    const server = await pool.serve(completion(GOOD));
    const model = new OpenAIChatModel(
      modelConfig(server.baseUrl, { temperature: 0.2, maxTokens: 512 }),
      testDeps(),
    );
    const result = await model.generate(request);
    expect(result.value).toEqual({ reasoning: "2+2=4", final_answer: "4" });
    const body = server.chatRequest(0);
    expect(body).toMatchObject({ model: "test-model", temperature: 0.2, max_tokens: 512 });
    expect(body.messages.map((m) => [m.role, m.content])).toEqual([
      ["system", "Solve it."],
      ["user", "What is 2+2?"],
    ]);
    expect(body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "defender_answer", strict: true, schema: { additionalProperties: false } },
    });
  });

  it("in json_object mode asks for JSON mode and puts the schema in the system message", async () => {
    const server = await pool.serve(completion(GOOD));
    const model = new OpenAIChatModel(
      modelConfig(server.baseUrl, { structuredOutput: "json_object" }),
      testDeps(),
    );
    await model.generate(request);
    const body = server.chatRequest(0);
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.messages[0]?.content).toContain('"final_answer"');
  });

  it.each([
    ["prose around the JSON", `Sure, here it is: ${GOOD} Hope that helps!`],
    ["a code fence", `\`\`\`json\n${GOOD}\n\`\`\``],
  ])("reads JSON wrapped in %s without a repair call", async (_what, content) => {
    const server = await pool.serve(completion(content));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const result = await model.generate(request);
    expect(result.value.final_answer).toBe("4");
    expect(result.usage.calls).toBe(1);
  });

  it("repairs schema-violating JSON once, sending the model its output and what was wrong", async () => {
    const bad = '{"reasoning": "2+2=4", "final_answer": 4}';
    const server = await pool.serve(completion(bad), completion(GOOD));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const result = await model.generate(request);
    expect(result.value.final_answer).toBe("4");
    const repair = server.chatRequest(1).messages.slice(-2);
    expect(repair[0]).toMatchObject({ role: "assistant", content: bad });
    expect(repair[1]?.role).toBe("user");
    expect(repair[1]?.content).toMatch(/final_answer: .*string/);
  });

  it("throws a ModelError naming model, schema and problem when the repair fails too", async () => {
    const server = await pool.serve(completion('{"reasoning": "x"}'), completion("still no idea"));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const error = await model.generate(request).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "MODEL_MALFORMED" });
    expect(String(error)).toMatch(/model "m1" \(test-model\).*"defender_answer".*contains no JSON object/);
  });

  it("retries a truncated reply once with a note to be concise", async () => {
    const server = await pool.serve(
      completion('{"reasoning": "2+2 is', { finishReason: "length" }),
      completion(GOOD),
    );
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const result = await model.generate(request);
    expect(result.value.final_answer).toBe("4");
    expect(server.chatRequest(1).messages.at(-1)?.content).toMatch(/cut off.*brief/);
  });

  it("accepts complete JSON even when the reply ended at the length limit", async () => {
    const server = await pool.serve(completion(GOOD, { finishReason: "length" }));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    await expect(model.generate(request)).resolves.toMatchObject({ value: { final_answer: "4" } });
  });

  it("gives up with TRUNCATED when the retry is cut off as well", async () => {
    const cut = completion('{"reasoning": "long', { finishReason: "length" });
    const server = await pool.serve(cut, cut);
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    await expect(model.generate(request)).rejects.toMatchObject({
      code: "MODEL_TRUNCATED",
      message: /raise maxTokens/,
    });
  });

  it.each([
    ["a refusal field", completion(null, { refusal: "I can't help with that." })],
    ["refusal prose without JSON", completion("I'm sorry, but I cannot write that question.")],
    ["a content-filter stop", completion(null, { finishReason: "content_filter" })],
  ])("turns %s into a REFUSAL without a repair call", async (_what, reply) => {
    const server = await pool.serve(reply);
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const error = await model.generate(request).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({
      code: "MODEL_REFUSED",
      message: expect.stringMatching(/refused the "defender_answer"/),
    });
  });

  it("falls back to json_object for good when the server rejects json_schema, warning once", async () => {
    const server = await pool.serve(
      apiError(400, "response_format type json_schema is not supported by this server"),
      completion(GOOD),
      completion(GOOD),
    );
    const deps = testDeps();
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), deps);
    await model.generate(request);
    await model.generate(request);
    expect(server.requests.map((_, i) => server.chatRequest(i).response_format?.type)).toEqual([
      "json_schema",
      "json_object",
      "json_object",
    ]);
    expect(server.chatRequest(2).messages[0]?.content).toContain('"final_answer"');
    expect(deps.log.at("warn").filter((line) => line.msg.includes("json_schema"))).toHaveLength(1);
  });

  it("does not fall back on an unrelated bad request", async () => {
    const server = await pool.serve(apiError(400, "maximum context length exceeded"));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    await expect(model.generate(request)).rejects.toMatchObject({
      code: "MODEL_REQUEST_REJECTED",
      message: /context length/,
    });
  });

  it("generateText returns the plain reply with its usage", async () => {
    const server = await pool.serve(completion("The answer is 4.", { usage: { prompt: 12, completion: 6 } }));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const result = await model.generateText({ role: "eval", system: "Answer.", user: "2+2?" });
    expect(result).toEqual({
      text: "The answer is 4.",
      usage: { model: "m1", role: "eval", promptTokens: 12, completionTokens: 6, calls: 1 },
    });
    expect(server.chatRequest(0).response_format).toBeUndefined();
  });
});

describe("OpenAIChatModel API key", () => {
  it("sends the key from apiKeyEnv and never logs it, even at debug level", async () => {
    const server = await pool.serve(completion(GOOD));
    const deps = testDeps({ env: { TEST_MODEL_KEY: "sk-test-secret-123" } });
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { apiKeyEnv: "TEST_MODEL_KEY" }), deps);
    await model.generate(request);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer sk-test-secret-123");
    expect(deps.log.at("debug").length).toBeGreaterThan(0);
    expect(deps.log.raw.join("")).not.toContain("sk-test-secret-123");
  });

  it("says which variable to export when it is missing", () => {
    const create = () =>
      new OpenAIChatModel(modelConfig("http://127.0.0.1:1/v1", { apiKeyEnv: "TEST_MODEL_KEY" }), testDeps());
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/TEST_MODEL_KEY is not set; export TEST_MODEL_KEY=/);
  });
});
