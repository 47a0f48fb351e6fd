import { describe, expect, it } from "vitest";
import { z } from "zod";
import { findJsonSchema, minimalInstance, propertyNames } from "../../packages/sim/src/chat/json-schema.ts";
import { AttackerOutput, JudgeDerivation, JudgeGrading } from "../../protocol/role-outputs.ts";

describe("minimalInstance", () => {
  it.each([
    ["judge_derivation", JudgeDerivation],
    ["judge_grading", JudgeGrading],
    ["attacker_question", AttackerOutput],
    [
      "a plug-in's schema",
      z.object({
        label: z.enum(["keep", "drop"]),
        tags: z.array(z.string().min(3)).min(2),
        score: z.number().int().min(3).max(9),
        ratio: z.number().gt(0.5),
        nested: z.object({ flag: z.boolean(), note: z.string().nullable() }),
        kind: z.literal("review"),
        either: z.union([z.number(), z.string()]),
      }),
    ],
  ] as const)("satisfies %s", (_, schema: z.ZodType) => {
    const jsonSchema = z.toJSONSchema(schema) as Record<string, unknown>;
    expect(schema.safeParse(minimalInstance(jsonSchema)).success).toBe(true);
  });

  it("follows $ref into $defs", () => {
    const schema = {
      type: "object",
      properties: { item: { $ref: "#/$defs/Item" } },
      $defs: { Item: { type: "integer", minimum: 4 } },
    };
    expect(minimalInstance(schema)).toEqual({ item: 4 });
  });
});

describe("findJsonSchema", () => {
  it("finds the schema quoted in a JSON-mode system message, past other braces", () => {
    const schema = z.toJSONSchema(z.object({ final_answer: z.string(), reasoning: z.string() }));
    const system = `Use {curly} notes freely. Reply with JSON matching this schema:\n${JSON.stringify(schema)}\nThanks {}`;
    expect(propertyNames(findJsonSchema(system)).sort()).toEqual(["final_answer", "reasoning"]);
  });

  it("finds nothing in prose", () => {
    expect(findJsonSchema("no schema here { not json")).toBeUndefined();
  });
});
