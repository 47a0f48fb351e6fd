import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageToolCall,
  ChatCompletionToolMessageParam,
} from "openai/resources/chat/completions";
import type { ToolEvidence } from "../protocol/schemas.ts";
import type { ToolDefinition, ToolRunner } from "./chat-model.ts";
import { parseJson } from "./json-extract.ts";

/** Bridges a ToolRunner and the chat completions tool-call protocol. */

export function toOpenAITools(definitions: ToolDefinition[]): ChatCompletionFunctionTool[] {
  return definitions.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

export interface ToolRoundResult {
  /** One `tool` message per call, in the order of the calls. */
  messages: ChatCompletionToolMessageParam[];
  evidence: ToolEvidence[];
}

/** Runs every call of one assistant turn; a failure becomes the text the model reads, never a throw. */
export async function runToolCalls(
  calls: ChatCompletionMessageToolCall[],
  runner: ToolRunner,
  signal?: AbortSignal,
): Promise<ToolRoundResult> {
  const evidence = await Promise.all(calls.map((call) => runToolCall(call, runner, signal)));
  const messages = evidence.map(
    (result, i): ChatCompletionToolMessageParam => ({
      role: "tool",
      tool_call_id: calls[i]?.id ?? "",
      content: result.ok ? result.output : `error: ${result.output}`,
    }),
  );
  return { messages, evidence };
}

async function runToolCall(
  call: ChatCompletionMessageToolCall,
  runner: ToolRunner,
  signal?: AbortSignal,
): Promise<ToolEvidence> {
  if (call.type !== "function") {
    return refused(call.custom.name, call.custom.input, "only function tools are available here");
  }
  const { name } = call.function;
  // Some servers send "" for a call without arguments.
  const argumentsJson = call.function.arguments.trim() || "{}";
  const parsed = parseJson(argumentsJson);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== "object") {
    return refused(
      name,
      argumentsJson,
      `the arguments are not a JSON object; call ${name} again with a JSON object`,
    );
  }
  return runner.call(name, argumentsJson, signal);
}

function refused(tool: string, args: string, why: string): ToolEvidence {
  return { tool, arguments: args, ok: false, output: why };
}
