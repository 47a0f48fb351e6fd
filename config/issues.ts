import { z } from "zod";
import { closest, suggestionHint } from "./suggest.ts";

/**
 * Turns zod issues into what a person editing a config file needs: the field's path, what is wrong in words,
 * and a hint saying what to write instead (the allowed values, the key they probably meant, the type wanted).
 */

export interface TopologyIssue {
  path: string;
  message: string;
  hint: string;
}

type Path = readonly PropertyKey[];

export function formatPath(path: Path): string {
  return path.length === 0
    ? "(root)"
    : path
        .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
        .join(".")
        .replace(/\.\[/g, "[");
}

function valueAt(document: unknown, path: Path): unknown {
  let value = document;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A field's schema with optional/default/nullable wrappers peeled off, keeping the first description. */
interface Field {
  schema: z.ZodType;
  description?: string;
  defaultValue?: unknown;
}

function peel(schema: z.ZodType): Field {
  let current = schema;
  let description = current.description;
  let defaultValue: unknown;
  for (;;) {
    if (current instanceof z.ZodDefault) defaultValue ??= current.def.defaultValue;
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return { schema: current, description, defaultValue };
    }
    description ??= current.description;
  }
}

function fieldAt(schema: z.ZodType, path: Path): Field | undefined {
  let field = peel(schema);
  for (const key of path) {
    const { schema: current } = field;
    const next =
      current instanceof z.ZodObject
        ? (current.shape as Record<string, z.ZodType>)[String(key)]
        : current instanceof z.ZodArray
          ? (current.element as z.ZodType)
          : current instanceof z.ZodRecord
            ? (current.valueType as z.ZodType)
            : undefined;
    if (!next) return undefined;
    field = peel(next);
  }
  return field;
}

function knownKeys(field: Field | undefined): string[] {
  return field?.schema instanceof z.ZodObject ? Object.keys(field.schema.shape) : [];
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "boolean") return `${value}`;
  return `${typeof value === "number" ? "the number " : ""}${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "text",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function example(field: Field | undefined): string {
  const value = field?.defaultValue;
  return value === undefined || typeof value === "object" ? "" : `, e.g. ${String(value)} (the default)`;
}

function describeField(field: Field | undefined, fallback: string): string {
  return field?.description ? `${fallback}: ${field.description}` : fallback;
}

type Explained = Omit<TopologyIssue, "path">;

function typeIssue(expected: string, value: unknown, key: string, field: Field | undefined): Explained {
  const wanted = TYPE_NAMES[expected] ?? expected;
  const base = { message: `expected ${wanted}, got ${kindOf(value)}` };
  if (value === undefined)
    return { ...base, message: `"${key}" is missing`, hint: describeField(field, `add ${key} (${wanted})`) };
  if (
    (expected === "number" || expected === "int") &&
    typeof value === "string" &&
    Number.isFinite(Number(value))
  )
    return { ...base, hint: `write ${value} without quotes` };
  if (expected === "boolean" && typeof value === "string")
    return { ...base, hint: "write true or false, without quotes" };
  if (expected === "array" && !Array.isArray(value))
    return { ...base, hint: `write a list, e.g. [${JSON.stringify(value)}]` };
  if (expected === "object") {
    const keys = knownKeys(field);
    return { ...base, hint: `write a mapping${keys.length ? ` with keys such as ${keys.join(", ")}` : ""}` };
  }
  if (expected === "string") return { ...base, hint: `quote it: "${String(value)}"` };
  return { ...base, hint: `write ${wanted}${example(field)}` };
}

function boundIssue(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  value: unknown,
  field: Field | undefined,
): Explained {
  const small = issue.code === "too_small";
  const bound = small ? issue.minimum : issue.maximum;
  if (issue.origin === "array") {
    const length = Array.isArray(value) ? value.length : 0;
    return {
      message: length === 0 ? "the list is empty" : `the list has ${length} items`,
      hint: describeField(field, `list at ${small ? "least" : "most"} ${bound}`),
    };
  }
  if (issue.origin === "string")
    return {
      message: small ? "the text is too short" : "the text is too long",
      hint: describeField(field, `write ${small ? "at least" : "at most"} ${bound} character(s)`),
    };
  const op = `${small ? ">" : "<"}${issue.inclusive ? "=" : ""}`;
  return {
    message: `${String(value)} is too ${small ? "small" : "big"}`,
    hint: small && bound === 0 && !issue.inclusive ? "use a positive number" : `use a number ${op} ${bound}`,
  };
}

function explainOne(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  document: unknown,
  prefix: Path,
): TopologyIssue[] {
  const path = formatPath([...prefix, ...issue.path]);
  const value = valueAt(document, issue.path);
  const field = fieldAt(schema, issue.path);
  const at = (explained: Explained) => [{ ...explained, path }];
  switch (issue.code) {
    case "unrecognized_keys": {
      const keys = knownKeys(field);
      return issue.keys.map((key) => {
        const match = closest(key, keys);
        return {
          path: formatPath([...prefix, ...issue.path, key]),
          message: `unknown key "${key}"`,
          hint: match ? `did you mean "${match}"?` : `known keys here: ${keys.join(", ")}`,
        };
      });
    }
    case "invalid_type":
      return at(typeIssue(issue.expected, value, String(issue.path.at(-1) ?? "(root)"), field));
    case "invalid_value": {
      const allowed = issue.values.map(String);
      return at({
        message: `${JSON.stringify(value)} is not allowed here`,
        hint: suggestionHint(String(value), allowed, `use one of: ${allowed.join(", ")}`),
      });
    }
    case "too_small":
    case "too_big":
      return at(boundIssue(issue, value, field));
    case "invalid_format":
      return issue.format === "url"
        ? at({
            message: `${JSON.stringify(value)} is not a URL`,
            hint: "write a full URL with its scheme, e.g. http://localhost:8000/v1, or ${VAR} to take it from the environment",
          })
        : at({
            message: `${JSON.stringify(value)} is not in the form this field needs`,
            hint: issue.message,
          });
    case "custom":
      return at({
        message: issue.message,
        hint: String(issue.params?.hint ?? describeField(field, "see topologies/README.md")),
      });
    default:
      return at({ message: issue.message, hint: describeField(field, "see topologies/README.md") });
  }
}

/**
 * Every issue of a failed parse, explained against the schema that produced it and the document it read;
 * `prefix` places a nested document (an agent's options) in the file.
 */
export function explainIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  document: unknown,
  prefix: Path = [],
): TopologyIssue[] {
  return issues.flatMap((issue) => explainOne(issue, schema, document, prefix));
}
