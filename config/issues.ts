import { z } from "zod";
import { scrubSecrets } from "../log/redaction.ts";
import { closest, suggestionHint } from "./suggest.ts";

/**
 * Turns zod issues into what a person editing a config file needs: the field's path, what is wrong in words,
 * and a hint saying what to write instead (the allowed values, the key they probably meant, the type wanted).
 * A value is echoed only in part (a 50 MB string is not copied into a message), with secret-shaped text
 * scrubbed, and never from a field registered in SECRET_FIELDS.
 */

/** Schemas of fields whose values are never echoed: passwords, tokens, and names people paste keys into. */
export const SECRET_FIELDS = new WeakSet<z.core.$ZodType>();

/** How much of a value or key a message quotes. */
const QUOTED_CHARS = 40;
/** Longer texts are not quoted at all, only measured: scanning them for secrets would cost more than it says. */
const SCANNED_CHARS = 2048;

/** A text as a message may show it: scrubbed of secret-shaped text, a long one cut and measured. */
function clip(text: string, quote: (shown: string) => string = String): string {
  if (text.length > SCANNED_CHARS) return `a text of ${text.length} characters`;
  const scrubbed = scrubSecrets(text);
  return scrubbed.length <= QUOTED_CHARS
    ? quote(scrubbed)
    : `${quote(scrubbed.slice(0, QUOTED_CHARS))}… (${text.length} characters)`;
}

/** A string value as a message may quote it. */
export function quoted(value: string): string {
  return clip(value, JSON.stringify);
}

/** A key or path segment as a message may show it. */
function shortKey(key: string): string {
  return key.length <= QUOTED_CHARS ? key : `${key.slice(0, QUOTED_CHARS)}…`;
}

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
        .map((p) => (typeof p === "number" ? `[${p}]` : shortKey(String(p))))
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

/** What a value is, quoting it unless `secret`. */
function kindOf(value: unknown, secret: boolean): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (secret) return typeof value === "string" ? "text" : `a ${typeof value}`;
  if (typeof value === "string")
    return value.length > SCANNED_CHARS ? quoted(value) : `the string ${quoted(value)}`;
  if (typeof value === "boolean") return `${value}`;
  return `${typeof value === "number" ? "the number " : ""}${clip(String(value))}`;
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

function typeIssue(
  expected: string,
  value: unknown,
  key: string,
  field: Field | undefined,
  secret: boolean,
): Explained {
  const wanted = TYPE_NAMES[expected] ?? expected;
  const base = { message: `expected ${wanted}, got ${kindOf(value, secret)}` };
  const scalar = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  if (value === undefined)
    return { ...base, message: `"${key}" is missing`, hint: describeField(field, `add ${key} (${wanted})`) };
  if (
    (expected === "number" || expected === "int") &&
    typeof value === "string" &&
    value.length <= QUOTED_CHARS &&
    Number.isFinite(Number(value))
  )
    return { ...base, hint: `write ${value} without quotes` };
  if (expected === "boolean" && typeof value === "string")
    return { ...base, hint: "write true or false, without quotes" };
  if (expected === "array" && !Array.isArray(value))
    return {
      ...base,
      hint:
        secret || !scalar || String(value).length > QUOTED_CHARS
          ? "write a list, e.g. [a, b]"
          : `write a list, e.g. [${JSON.stringify(value)}]`,
    };
  if (expected === "object") {
    const keys = knownKeys(field);
    return { ...base, hint: `write a mapping${keys.length ? ` with keys such as ${keys.join(", ")}` : ""}` };
  }
  if (expected === "string")
    return {
      ...base,
      hint:
        secret || !scalar || String(value).length > QUOTED_CHARS
          ? "write text, in quotes"
          : `quote it: "${String(value)}"`,
    };
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
      message: `the text is too ${small ? "short" : "long"}${typeof value === "string" ? ` (${value.length} characters)` : ""}`,
      hint: describeField(field, `write ${small ? "at least" : "at most"} ${bound} character(s)`),
    };
  const op = `${small ? ">" : "<"}${issue.inclusive ? "=" : ""}`;
  return {
    message: `${clip(String(value))} is too ${small ? "small" : "big"}`,
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
  const secret = field !== undefined && SECRET_FIELDS.has(field.schema);
  const shown = secret ? "the value" : typeof value === "string" ? quoted(value) : kindOf(value, false);
  const at = (explained: Explained) => [{ ...explained, path }];
  switch (issue.code) {
    case "unrecognized_keys": {
      const keys = knownKeys(field);
      return issue.keys.map((key) => {
        const match = closest(key, keys);
        return {
          path: formatPath([...prefix, ...issue.path, key]),
          message: `unknown key "${shortKey(key)}"`,
          hint: match ? `did you mean "${match}"?` : `known keys here: ${keys.join(", ")}`,
        };
      });
    }
    case "invalid_type":
      return at(
        typeIssue(issue.expected, value, shortKey(String(issue.path.at(-1) ?? "(root)")), field, secret),
      );
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const otherwise = `use one of: ${allowed.join(", ")}`;
      return at({
        message: `${shown} is not allowed here`,
        hint: secret ? otherwise : suggestionHint(String(value), allowed, otherwise),
      });
    }
    case "too_small":
    case "too_big":
      return at(boundIssue(issue, value, field));
    case "invalid_format":
      return issue.format === "url"
        ? at({
            message: `${shown} is not a URL`,
            hint: "write a full URL with its scheme, e.g. http://localhost:8000/v1, or ${VAR} to take it from the environment",
          })
        : at({
            message: `${shown} is not in the form this field needs`,
            hint: issue.message,
          });
    case "invalid_key": {
      const [inner] = issue.issues;
      const tooLong = inner?.code === "too_big";
      return at({
        message: tooLong ? "the key is too long" : "the key is not allowed here",
        hint: tooLong ? `write keys of at most ${inner.maximum} characters` : String(inner?.message ?? ""),
      });
    }
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
