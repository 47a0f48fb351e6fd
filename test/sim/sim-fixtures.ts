import OpenAI from "openai";
import { z } from "zod";
import { dataBlock } from "../../domains/data-block.ts";
import type { SimulatorConfig } from "../../packages/sim/src/index.ts";
import type { AttackerOutput } from "../../protocol/role-outputs.ts";

/** Shared pieces of the simulator's integration tests. */

export function simConfig(overrides: Partial<SimulatorConfig> = {}): SimulatorConfig {
  return {
    port: 0,
    seed: 7,
    models: [],
    latencyMs: 0,
    benchmarks: [],
    ...overrides,
    faults: { rate429: 0, rate500: 0, rateTimeout: 0, rateMalformed: 0, ...overrides.faults },
  };
}

export function client(url: string, options: { maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({
    baseURL: url,
    apiKey: "x",
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeout ?? 20_000,
  });
}

export function jsonSchemaFormat(name: string, schema: z.ZodType) {
  return {
    type: "json_schema" as const,
    json_schema: { name, strict: true, schema: z.toJSONSchema(schema) as Record<string, unknown> },
  };
}

/**
 * An Attacker prompt as the shipped packs write one: the complexity is an instruction to the model, not a header
 * line, and nothing in it names the round.
 */
export function attackerPrompt(complexity = 3, domain = "math"): string {
  const format = domain === "math" ? "numeric" : "choice";
  return [
    `Domain: ${domain}\nSkill: multi_step_arithmetic\nAnswer format: ${format}`,
    "Write one new question that exercises multi_step_arithmetic.",
    `Make it a question of complexity ${complexity} on a scale of 1 to 5: its solution needs ${complexity} dependent reasoning hops.`,
  ].join("\n\n");
}

function optionsBlock(question: AttackerOutput): string[] {
  return question.options.length > 0
    ? [dataBlock("options", question.options.map((o) => `${o.letter}. ${o.text}`).join("\n"))]
    : [];
}

export function defenderPrompt(question: AttackerOutput, domain = "math"): string {
  return [
    `Domain: ${domain}`,
    "Solve this problem.",
    dataBlock("question", question.question),
    ...optionsBlock(question),
  ].join("\n\n");
}

/** The Judge's blind phase: the question and its options, nothing else of the round. */
export function derivePrompt(question: AttackerOutput, domain = "math"): string {
  return [
    `Domain: ${domain}`,
    "Solve this question yourself with the python tool, then return your derivation.",
    dataBlock("question", question.question),
    ...optionsBlock(question),
  ].join("\n\n");
}

export const PYTHON_TOOL = {
  type: "function" as const,
  function: {
    name: "python",
    description: "Runs Python 3 and returns what it prints",
    parameters: { type: "object", properties: { code: { type: "string" } }, required: ["code"] },
  },
};

export const CALCULATOR_TOOL = {
  type: "function" as const,
  function: {
    name: "calculator",
    description: "Evaluates an arithmetic expression",
    parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
  },
};
