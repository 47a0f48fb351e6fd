import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toStrictJsonSchema } from "../../llm/strict-json-schema.ts";
import { AttackerOutput, JudgeGrading } from "../../protocol/role-outputs.ts";

type Node = Record<string, unknown>;

/** Every object schema in the tree, found by walking all nested values. */
function objectSchemas(node: unknown): Node[] {
  if (Array.isArray(node)) return node.flatMap(objectSchemas);
  if (node === null || typeof node !== "object") return [];
  const own = "properties" in node && (node as Node).type === "object" ? [node as Node] : [];
  return [...own, ...Object.values(node).flatMap(objectSchemas)];
}

describe("toStrictJsonSchema", () => {
  it("closes every object and requires every property, optional ones included", () => {
    const schema = toStrictJsonSchema(
      z.object({ a: z.string().optional(), inner: z.object({ b: z.number().optional(), c: z.boolean() }) }),
    );
    const objects = objectSchemas(schema);
    expect(objects).toHaveLength(2);
    for (const object of objects) {
      expect(object.additionalProperties).toBe(false);
      expect(object.required).toEqual(Object.keys(object.properties as Node));
    }
  });

  it("does not mistake a field named 'properties' for a schema keyword", () => {
    const schema = toStrictJsonSchema(z.object({ properties: z.object({ x: z.string() }) }));
    const fields = schema.properties as Node;
    expect(Object.keys(fields)).toEqual(["properties"]);
    expect((fields.properties as Node).required).toEqual(["x"]);
  });

  it("drops the $schema dialect and zod's safe-integer bounds but keeps real bounds", () => {
    const attacker = toStrictJsonSchema(AttackerOutput);
    expect(attacker).not.toHaveProperty("$schema");
    expect((attacker.properties as Node).hops).toEqual({ type: "integer", description: expect.any(String) });
    const judge = toStrictJsonSchema(JudgeGrading);
    const rubric = (judge.properties as Node).rubric as Node;
    expect((rubric.properties as Node).completeness).toEqual({ type: "integer", minimum: 1, maximum: 5 });
  });
});
