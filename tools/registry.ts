import { z } from "zod";
import type { ToolDefinition, ToolRunner } from "../llm/chat-model.ts";
import { ConfigError, errorMessage } from "../protocol/errors.ts";
import type { ToolEvidence } from "../protocol/schemas.ts";

/**
 * Judge tools: each is defined once with a zod parameter schema, offered to models as an OpenAI-strict JSON
 * Schema, and run through a ToolRunner that turns every failure into evidence the model can read.
 */

export interface ToolResult {
  ok: boolean;
  output: string;
}

export interface ToolContext {
  /** Aborted when the runner's time limit passes or the caller gives up. */
  signal: AbortSignal;
}

export interface Tool<Parameters extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly description: string;
  readonly parameters: Parameters;
  /**
   * The tool enforces a time limit of its own on its work, and may first wait for a resource that other
   * calls hold (the python tool waits for a free sandbox interpreter): the runner then sets no limit, which
   * would count that wait, and stops the tool only when the caller gives up.
   */
  readonly limitsOwnTime?: boolean;
  execute(args: z.infer<Parameters>, context: ToolContext): Promise<ToolResult>;
}

export interface ToolRunnerOptions {
  /** Per-call limit, except for tools that limit their own time; the call is stopped and reported as failed. */
  timeoutMs?: number;
  /** Output beyond this many UTF-8 bytes is cut and marked. */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024;
// OpenAI's rule for function names.
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Checks a tool once, where it is written: a bad name or a non-strict schema fails at start-up, not mid-run. */
export function defineTool<Parameters extends z.ZodObject>(tool: Tool<Parameters>): Tool<Parameters> {
  if (!TOOL_NAME.test(tool.name)) {
    throw new ConfigError(`tool name '${tool.name}' is invalid: use 1-64 letters, digits, '_' or '-'`);
  }
  strictJsonSchema(tool);
  return tool;
}

/** The tool as a model sees it. */
export function toolDefinition(tool: Tool): ToolDefinition {
  return { name: tool.name, description: tool.description, parameters: strictJsonSchema(tool) };
}

export function createToolRunner(tools: readonly Tool[], options: ToolRunnerOptions = {}): ToolRunner {
  const byName = new Map<string, Tool>();
  for (const tool of tools) {
    if (byName.has(tool.name))
      throw new ConfigError(`tool '${tool.name}' is listed twice: give each tool once`);
    byName.set(tool.name, tool);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const definitions = tools.map(toolDefinition);

  return {
    definitions: () => definitions,
    async call(name, argumentsJson, signal): Promise<ToolEvidence> {
      const started = performance.now();
      const parsed = parseArguments(argumentsJson);
      const result = await callTool(byName, name, parsed, timeoutMs, signal);
      return {
        tool: name,
        arguments: parsed.ok ? parsed.value : argumentsJson,
        ok: result.ok,
        output: capOutput(result.output, maxOutputBytes),
        durationMs: performance.now() - started,
      };
    },
  };
}

type ParsedArguments = { ok: true; value: unknown } | { ok: false; error: string };

function parseArguments(argumentsJson: string): ParsedArguments {
  // Some servers send an empty string for a call without arguments.
  if (argumentsJson.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(argumentsJson) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

async function callTool(
  tools: ReadonlyMap<string, Tool>,
  name: string,
  parsed: ParsedArguments,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ToolResult> {
  const tool = tools.get(name);
  if (!tool) {
    return { ok: false, output: `Unknown tool '${name}'. Available tools: ${[...tools.keys()].join(", ")}.` };
  }
  if (!parsed.ok) {
    return {
      ok: false,
      output: `The arguments for '${name}' are not valid JSON (${parsed.error}). Send a JSON object.`,
    };
  }
  const args = tool.parameters.safeParse(parsed.value);
  if (!args.success) {
    return { ok: false, output: `Invalid arguments for '${name}':\n${z.prettifyError(args.error)}` };
  }
  return executeWithin(tool, args.data, timeoutMs, signal);
}

/** Runs the tool; resolves with its result, or a failure when it throws, overruns or is cancelled. */
function executeWithin(
  tool: Tool,
  args: z.infer<z.ZodObject>,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<ToolResult> {
  const limit = new AbortController();
  const signal = outer ? AbortSignal.any([outer, limit.signal]) : limit.signal;
  return new Promise<ToolResult>((resolve) => {
    const finish = (result: ToolResult) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = () =>
      finish({
        ok: false,
        output: limit.signal.aborted
          ? `'${tool.name}' did not finish within ${timeoutMs} ms and was stopped.`
          : `'${tool.name}' was cancelled.`,
      });
    const timer = tool.limitsOwnTime ? undefined : setTimeout(() => limit.abort(), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) {
      onAbort();
      return;
    }
    // Both branches settle this promise, so the chain cannot reject.
    void tool
      .execute(args, { signal })
      .then(finish, (error: unknown) =>
        finish({ ok: false, output: `'${tool.name}' failed: ${errorMessage(error)}` }),
      );
  });
}

const encoder = new TextEncoder();

/** Cuts text to a UTF-8 byte budget without splitting a character, and says what was cut. */
export function capOutput(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  const kept = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, "");
  return `${kept}\n[output truncated: ${bytes.length} bytes, only the first ${maxBytes} are shown]`;
}

// Tool definitions are sent with every Judge consultation: convert each tool's parameters once.
const parameterSchemas = new WeakMap<Tool, Record<string, unknown>>();

/**
 * OpenAI strict mode: every property required and no extra properties. Zod marks optional fields as not
 * required, so a schema with one is refused here; use `.nullable()` for a value the model may leave empty.
 */
function strictJsonSchema(tool: Tool): Record<string, unknown> {
  const known = parameterSchemas.get(tool);
  if (known) return known;
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.parameters, { io: "input" });
  makeObjectsStrict(schema, tool.name, "parameters");
  parameterSchemas.set(tool, schema);
  return schema;
}

const ObjectSchemaNode = z.looseObject({
  type: z.literal("object"),
  properties: z.record(z.string(), z.unknown()).default({}),
  required: z.array(z.string()).default([]),
});

function makeObjectsStrict(node: unknown, toolName: string, path: string): void {
  if (typeof node !== "object" || node === null) return;
  const objectNode = ObjectSchemaNode.safeParse(node);
  if (objectNode.success) {
    const optional = Object.keys(objectNode.data.properties).filter(
      (key) => !objectNode.data.required.includes(key),
    );
    if (optional.length > 0) {
      throw new ConfigError(
        `tool '${toolName}': ${path} has optional field(s) ${optional.join(", ")}; OpenAI strict mode needs every field required: use .nullable() instead of .optional() or .default()`,
      );
    }
    Object.assign(node, { additionalProperties: false });
  }
  for (const [key, child] of Object.entries(node)) makeObjectsStrict(child, toolName, `${path}.${key}`);
}
