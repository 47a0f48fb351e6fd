import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { cosine } from "../../packages/sim/src/embedding.ts";
import { type Simulator, startSimulator } from "../../packages/sim/src/server.ts";
import {
  ATTACKER_SCHEMA_NAME,
  AttackerOutput,
  DEFENDER_SCHEMA_NAME,
  DefenderOutput,
  JUDGE_DERIVATION_SCHEMA_NAME,
  JudgeDerivation,
} from "../../protocol/role-outputs.ts";
import {
  attackerPrompt,
  CALCULATOR_TOOL,
  client,
  defenderPrompt,
  derivePrompt,
  jsonSchemaFormat,
  PYTHON_TOOL,
  simConfig,
} from "./sim-fixtures.ts";

const ROLES = [
  { name: ATTACKER_SCHEMA_NAME, schema: AttackerOutput },
  { name: DEFENDER_SCHEMA_NAME, schema: DefenderOutput },
  { name: JUDGE_DERIVATION_SCHEMA_NAME, schema: JudgeDerivation },
] as const;

describe("simulator over HTTP", () => {
  let sim: Simulator;
  let openai: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startSimulator(simConfig({ models: [{ name: "org/strong-model", skill: 0.95 }] }));
    openai = client(sim.url);
  });
  afterAll(async () => {
    await sim.close();
  });

  /** One structured call in either mode; JSON mode puts the schema in the system message, as the adapter does. */
  async function structured<T>(
    mode: "json_schema" | "json_object",
    role: { name: string; schema: z.ZodType<T> },
    user: string,
  ) {
    const schemaText = JSON.stringify(z.toJSONSchema(role.schema));
    const completion = await openai.chat.completions.create({
      model: "org/strong-model",
      messages: [
        {
          role: "system",
          content:
            mode === "json_schema"
              ? "You play your role."
              : `Reply with one JSON object matching this JSON Schema:\n${schemaText}`,
        },
        { role: "user", content: user },
      ],
      response_format:
        mode === "json_schema" ? jsonSchemaFormat(role.name, role.schema) : { type: "json_object" },
    });
    return { completion, value: role.schema.parse(JSON.parse(completion.choices[0]?.message.content ?? "")) };
  }

  it.each(["json_schema", "json_object"] as const)(
    "plays every role in %s mode with OpenAI's response shape",
    async (mode) => {
      const [attacker, defender, judge] = ROLES;
      const { completion, value: question } = await structured(mode, attacker, attackerPrompt(3));
      expect(completion).toMatchObject({
        object: "chat.completion",
        model: "org/strong-model",
        choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", refusal: null } }],
      });
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.usage?.total_tokens).toBe(
        (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
      );
      expect(question.hops).toBe(3);
      // A strong attacker shows its steps and ends with its answer.
      expect(question.solution_steps.length).toBeGreaterThanOrEqual(3);
      expect(question.solution_steps.at(-1)).toBe(`The answer is ${question.reference_answer}.`);
      const { value: answer } = await structured(mode, defender, defenderPrompt(question));
      expect(answer.reasoning.split("\n").length).toBeGreaterThan(1);
      const { value: derivation } = await structured(mode, judge, derivePrompt(question));
      expect(derivation.derived_answer).not.toBe("unknown");
    },
  );

  it.each(["science", "medical"])(
    "writes %s questions with lettered options that the judge rules on",
    async (domain) => {
      const [attacker, defender, judge] = ROLES;
      const { value: question } = await structured("json_schema", attacker, attackerPrompt(2, domain));
      expect(question.options.length).toBeGreaterThanOrEqual(4);
      expect(question.options.map((o) => o.letter)).toContain(question.reference_answer);
      const { value: answer } = await structured("json_schema", defender, defenderPrompt(question, domain));
      expect(question.options.map((o) => o.letter)).toContain(answer.final_answer);
      const { value: derivation } = await structured("json_schema", judge, derivePrompt(question, domain));
      expect(derivation.derived_answer).toMatch(/^[A-E]$/);
    },
  );

  it("round-trips the judge's python tool call and derives from the tool's output", async () => {
    const [attacker] = ROLES;
    const { value: question } = await structured("json_schema", attacker, attackerPrompt(4));
    const user = { role: "user" as const, content: derivePrompt(question) };
    const request = {
      model: "org/strong-model",
      tools: [PYTHON_TOOL, CALCULATOR_TOOL],
      response_format: jsonSchemaFormat(JUDGE_DERIVATION_SCHEMA_NAME, JudgeDerivation),
    };
    const first = await openai.chat.completions.create({ ...request, messages: [user] });
    const message = first.choices[0]?.message;
    const call = message?.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    if (call?.type !== "function" || !message) throw new Error("expected a function tool call");
    expect(call.function.name).toBe("python");
    expect(z.object({ code: z.string() }).parse(JSON.parse(call.function.arguments)).code).toMatch(
      /print\(value4\)/,
    );

    const printed = "123456789";
    const second = await openai.chat.completions.create({
      ...request,
      messages: [user, message, { role: "tool", tool_call_id: call.id, content: `stdout:\n${printed}\n` }],
    });
    const derivation = JudgeDerivation.parse(JSON.parse(second.choices[0]?.message.content ?? ""));
    expect(derivation.derived_answer).toBe(printed);
  });

  it("answers an unknown schema with a minimal valid instance", async () => {
    const Custom = z.object({
      verdict: z.enum(["keep", "drop"]),
      reasons: z.array(z.string()).min(1),
      weight: z.number().min(2),
    });
    const completion = await openai.chat.completions.create({
      model: "any-name-at-all",
      messages: [{ role: "user", content: "Review this." }],
      response_format: jsonSchemaFormat("plugin_review", Custom),
    });
    expect(Custom.safeParse(JSON.parse(completion.choices[0]?.message.content ?? "")).success).toBe(true);
  });

  it("streams a completion as server-sent events", async () => {
    const stream = await openai.chat.completions.create({
      model: "org/strong-model",
      messages: [{ role: "user", content: "What is 6 times 7?" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage?.completion_tokens ?? usage;
    }
    expect(text).toMatch(/The answer is .+\.$/);
    expect(finish).toBe("stop");
    expect(usage).toBeGreaterThan(0);
  });

  it("embeds deterministically: paraphrases close, unrelated texts far, dimensions honoured", async () => {
    const texts = [
      "The bakery sold 300 muffins on Monday.",
      "On Monday the bakery sold 300 muffins.",
      "Cas9 needs an NGG PAM next to its target.",
    ];
    const { data } = await openai.embeddings.create({ model: "embedder", input: texts });
    const [a = [], b = [], c = []] = data.map((d) => d.embedding);
    expect(a).toHaveLength(256);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.5);
    const again = await openai.embeddings.create({
      model: "embedder",
      input: texts[0] ?? "",
      dimensions: 64,
      encoding_format: "float",
    });
    expect(again.data[0]?.embedding).toHaveLength(64);
  });

  it("lists configured and used models", async () => {
    const models = await openai.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain("org/strong-model");
    expect(ids).toContain("embedder");
    expect((await openai.models.retrieve("org/strong-model")).id).toBe("org/strong-model");
  });

  it("rejects bad requests with OpenAI's error body", async () => {
    const bad = await fetch(`${sim.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: "invalid_request_error", param: "messages" } });
    const missing = await fetch(`${sim.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "unknown_url" } });
  });

  it("counts requests by route, role and model", () => {
    const stats = sim.stats();
    expect(stats.byRoute["POST /v1/chat/completions"]).toBeGreaterThan(5);
    expect(stats.byRole).toMatchObject({
      attacker: expect.any(Number),
      defender: expect.any(Number),
      "judge-derive": expect.any(Number),
    });
    expect(stats.byModel["org/strong-model"]).toBeGreaterThan(5);
    expect(stats.tokens.completion).toBeGreaterThan(0);
  });
});
