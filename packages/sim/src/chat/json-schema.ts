import { parseJsonText } from "../text.ts";

/**
 * Just enough JSON Schema for the simulator: find a schema quoted in a system message (JSON mode), read its
 * property names, and build the smallest instance that validates, for plug-in agents' own schemas.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** End index (exclusive) of the balanced {...} starting at `start`, honouring strings; -1 if unbalanced. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i + 1;
  }
  return -1;
}

/** The first JSON object in the text that looks like an object schema. */
export function findJsonSchema(text: string): JsonObject | undefined {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    const value = parseJsonText(text.slice(start, end));
    if (isObject(value) && ("properties" in value || value.type === "object")) return value;
  }
  return undefined;
}

export function propertyNames(schema: JsonObject | undefined): string[] {
  return schema && isObject(schema.properties) ? Object.keys(schema.properties) : [];
}

function resolveRef(schema: JsonObject, root: JsonObject): JsonObject {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) node = isObject(node) ? node[part] : undefined;
  return isObject(node) ? node : {};
}

function firstType(schema: JsonObject): string | undefined {
  const type = schema.type;
  if (Array.isArray(type))
    return type.find((t): t is string => typeof t === "string" && t !== "null") ?? "null";
  return typeof type === "string" ? type : undefined;
}

function minimalNumber(schema: JsonObject, integer: boolean): number {
  const min = typeof schema.minimum === "number" ? schema.minimum : undefined;
  const exclusive = typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : undefined;
  let value = min ?? (exclusive !== undefined ? exclusive + (integer ? 1 : 0.001) : 0);
  if (integer) value = Math.ceil(value);
  const max = typeof schema.maximum === "number" ? schema.maximum : undefined;
  return max !== undefined && value > max ? max : value;
}

/** The smallest value that satisfies the schema: every property present, arrays at their minimum length. */
export function minimalInstance(schema: JsonObject, root: JsonObject = schema, depth = 0): unknown {
  const node = resolveRef(schema, root);
  if (depth > 16) return null;
  if ("const" in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  const variants = node.anyOf ?? node.oneOf ?? node.allOf;
  if (Array.isArray(variants) && isObject(variants[0])) return minimalInstance(variants[0], root, depth + 1);
  switch (firstType(node) ?? (isObject(node.properties) ? "object" : undefined)) {
    case "object": {
      const properties = isObject(node.properties) ? node.properties : {};
      return Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [
          key,
          isObject(value) ? minimalInstance(value, root, depth + 1) : null,
        ]),
      );
    }
    case "array": {
      const count = typeof node.minItems === "number" ? node.minItems : 0;
      const item = isObject(node.items) ? node.items : {};
      return Array.from({ length: count }, () => minimalInstance(item, root, depth + 1));
    }
    case "string":
      return "x".repeat(typeof node.minLength === "number" ? Math.max(1, node.minLength) : 1);
    case "integer":
      return minimalNumber(node, true);
    case "number":
      return minimalNumber(node, false);
    case "boolean":
      return false;
    default:
      return null;
  }
}
