import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataBlock } from "../../domains/data-block.ts";
import type { ToolRunner } from "../../llm/chat-model.ts";
import { OpenAIChatModel } from "../../llm/openai-model.ts";
import { type Simulator, startSimulator } from "../../packages/sim/src/server.ts";
import {
  ATTACKER_SCHEMA_NAME,
  AttackerOutput,
  DEFENDER_SCHEMA_NAME,
  DefenderOutput,
  JUDGE_DERIVATION_SCHEMA_NAME,
  JudgeDerivation,
} from "../../protocol/role-outputs.ts";
import type { ToolEvidence } from "../../protocol/schemas.ts";
import { modelConfig, testDeps } from "./model-fixtures.ts";

/** A python tool that does not run anything: it "prints" a fixed number, so the verdict shows where it came from. */
function fakePython(printed: string): ToolRunner & { codes: string[] } {
  const codes: string[] = [];
  return {
    codes,
    definitions: () => [
      {
        name: "python",
        description: "runs Python code and returns what it prints",
        parameters: { type: "object", properties: { code: { type: "string" } }, required: ["code"] },
      },
    ],
    call: async (name, argumentsJson): Promise<ToolEvidence> => {
      codes.push(argumentsJson);
      return { tool: name, arguments: argumentsJson, ok: true, output: printed };
    },
  };
}

describe("OpenAIChatModel against the simulator", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 3,
      models: [{ name: "sim-strong", skill: 0.95 }],
      latencyMs: 0,
      benchmarks: [],
      faults: { rate429: 0, rate500: 0, rateTimeout: 0, rateMalformed: 0 },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(["json_schema", "json_object"] as const)(
    "plays attacker, defender and judge in %s mode",
    async (mode) => {
      const deps = testDeps();
      const model = new OpenAIChatModel(
        modelConfig(sim.url, { model: "sim-strong", structuredOutput: mode }),
        deps,
      );

      const attack = await model.generate({
        role: "attacker",
        system: "You write hard, self-contained questions.",
        user: "Domain: math\nSkill: multi-step arithmetic\nComplexity: 2",
        schemaName: ATTACKER_SCHEMA_NAME,
        schema: AttackerOutput,
      });
      const question = attack.value;
      expect(question.question.length).toBeGreaterThan(0);
      expect(question.solution_steps.length).toBeGreaterThan(0);

      const defense = await model.generate({
        role: "defender",
        system: "Solve the question step by step.",
        user: dataBlock("question", question.question),
        schemaName: DEFENDER_SCHEMA_NAME,
        schema: DefenderOutput,
      });
      expect(defense.value.final_answer.length).toBeGreaterThan(0);

      const python = fakePython("999999.5");
      const derivation = await model.generate({
        role: "judge",
        system: "Solve the question yourself.",
        user: ["Domain: math", dataBlock("question", question.question)].join("\n\n"),
        schemaName: JUDGE_DERIVATION_SCHEMA_NAME,
        schema: JudgeDerivation,
        tools: python,
      });
      // The judge computed with the tool, so its derivation rests on what the tool printed.
      expect(python.codes).toHaveLength(1);
      expect(derivation.evidence).toHaveLength(1);
      expect(derivation.value.derived_answer).toBe("999999.5");
      expect(derivation.usage.calls).toBe(2);
      expect(deps.usages).toHaveLength(4);
      expect(deps.usages.every((usage) => usage.promptTokens > 0 && usage.completionTokens > 0)).toBe(true);
    },
  );
});
