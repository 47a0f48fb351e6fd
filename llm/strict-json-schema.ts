import { z } from "zod";

// Schemas are module constants asked for on every model call: convert each once.
const conversions = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * Turns a zod schema into the JSON Schema dialect OpenAI strict structured output accepts: every object
 * closed (`additionalProperties: false`) and every property required. Local servers (vLLM, Ollama,
 * llama.cpp) take the same schema for guided decoding.
 */
export function toStrictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  let converted = conversions.get(schema);
  if (!converted) {
    const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, {
      target: "draft-7",
      io: "output",
      unrepresentable: "any",
    });
    converted = strictSchema(jsonSchema);
    conversions.set(schema, converted);
  }
  return converted;
}

type JsonSchema = Record<string, unknown>;

const SCHEMA_MAP_KEYS = new Set(["properties", "definitions", "$defs", "patternProperties"]);
const SCHEMA_LIST_KEYS = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
const SCHEMA_KEYS = new Set(["items", "additionalProperties", "not", "if", "then", "else", "contains"]);

function strictSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (isSafeIntegerBound(key, value)) continue;
    if (SCHEMA_MAP_KEYS.has(key) && isObject(value)) out[key] = mapValues(value, strictSubschema);
    else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) out[key] = value.map(strictSubschema);
    else if (SCHEMA_KEYS.has(key)) out[key] = strictSubschema(value);
    else out[key] = value;
  }
  if (isObject(out.properties)) {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
}

function strictSubschema(value: unknown): unknown {
  return isObject(value) ? strictSchema(value) : value;
}

/** zod writes JavaScript's safe-integer range on every int: true, but noise in a prompt. */
function isSafeIntegerBound(key: string, value: unknown): boolean {
  return (key === "minimum" || key === "maximum") && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER;
}

function mapValues(record: JsonSchema, fn: (value: unknown) => unknown): JsonSchema {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
