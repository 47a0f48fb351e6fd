import type { ResponseFormatJSONObject, ResponseFormatJSONSchema } from "openai/resources/shared";
import type { z } from "zod";
import type { ModelConfig } from "../config/topology.ts";
import { SystemError } from "../protocol/errors.ts";
import { extractJson } from "./json-extract.ts";
import { toStrictJsonSchema } from "./strict-json-schema.ts";

/**
 * How a structured request asks for JSON, and how the reply is read back: `json_schema` lets the server
 * enforce the schema; `json_object` (JSON mode) only promises JSON, so the schema goes in the system message.
 * Either way the reply is extracted leniently and validated strictly.
 */

export type StructuredMode = ModelConfig["structuredOutput"];

export interface OutputSpec {
  name: string;
  jsonSchema: Record<string, unknown>;
}

export function outputSpec(name: string, schema: z.ZodType): OutputSpec {
  return { name, jsonSchema: toStrictJsonSchema(schema) };
}

export function responseFormat(
  mode: StructuredMode,
  spec: OutputSpec,
): ResponseFormatJSONSchema | ResponseFormatJSONObject {
  return mode === "json_schema"
    ? { type: "json_schema", json_schema: { name: spec.name, strict: true, schema: spec.jsonSchema } }
    : { type: "json_object" };
}

export function systemMessage(mode: StructuredMode, system: string, spec: OutputSpec): string {
  if (mode === "json_schema") return system;
  return (
    `${system}\n\nReply with one JSON object and nothing else (no prose, no code fences). ` +
    `It must match this JSON Schema, named "${spec.name}":\n${JSON.stringify(spec.jsonSchema)}`
  );
}

export type ParsedOutput<T> = { ok: true; value: T } | { ok: false; foundJson: boolean; problem: string };

export function parseStructured<T>(content: string, schema: z.ZodType<T>): ParsedOutput<T> {
  const extracted = extractJson(content);
  if (!extracted.found) return { ok: false, foundJson: false, problem: extracted.reason };
  const result = schema.safeParse(extracted.value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, foundJson: true, problem: describeIssues(result.error) };
}

const MAX_ISSUES_SHOWN = 5;

function describeIssues(error: z.ZodError): string {
  const issues = error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  const more = issues.length > MAX_ISSUES_SHOWN ? `; and ${issues.length - MAX_ISSUES_SHOWN} more` : "";
  return `the JSON does not match the schema (${issues.slice(0, MAX_ISSUES_SHOWN).join("; ")}${more})`;
}

export function repairInstruction(problem: string): string {
  return (
    `Your reply could not be used: ${problem}. ` +
    "Reply again with only the corrected JSON object, matching the required schema exactly, and nothing else."
  );
}

export const CONCISE_INSTRUCTION =
  "Your previous reply was cut off at the length limit. Reply again with only the JSON object, and keep every text field brief.";

export const ANSWER_NOW_INSTRUCTION =
  "You have used all your tool calls. Reply now with only the JSON object, using what the tools returned.";

const REFUSAL_PROSE =
  /\b(I\s+(can(no|')t|am\s+(unable|not\s+able)|won't|will\s+not|must\s+decline)|I'm\s+(unable|not\s+able|sorry)|I\s+apologi[sz]e)\b/i;

/** Prose-only replies that decline the task: treated as a refusal, since a repair prompt rarely helps. */
export function looksLikeRefusal(text: string): boolean {
  return REFUSAL_PROSE.test(text);
}

/** A server that does not support `response_format: json_schema` says so with a 4xx naming it. */
export function isResponseFormatRejection(err: unknown): boolean {
  return (
    err instanceof SystemError &&
    err.code === "MODEL_REQUEST_REJECTED" &&
    /response_format|json_schema/i.test(err.message)
  );
}
