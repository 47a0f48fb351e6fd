import { z } from "zod";
import { countTokens } from "../text.ts";

/** The parts of an OpenAI chat completion request the simulator reads; other fields are accepted and ignored. */

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const ChatMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  tool_calls: z
    .array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
    .nullish(),
  tool_call_id: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

const Tool = z.object({
  type: z.literal("function"),
  function: z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()).optional() }),
});
export type Tool = z.infer<typeof Tool>;

const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);

export const ChatRequest = z.object({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  response_format: ResponseFormat.nullish(),
  tools: z.array(Tool).nullish(),
  tool_choice: ToolChoice.nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => part.text ?? "").join("");
}

/** The conversation as the roles read it. */
export interface Conversation {
  /** System and developer messages. */
  system: string;
  /** User messages. */
  user: string;
  /** Tool results so far, oldest first. */
  toolResults: string[];
}

export function readConversation(request: ChatRequest): Conversation {
  const textOf = (roles: readonly string[]) =>
    request.messages
      .filter((m) => roles.includes(m.role))
      .map(messageText)
      .join("\n\n");
  return {
    system: textOf(["system", "developer"]),
    user: textOf(["user"]),
    toolResults: request.messages.filter((m) => m.role === "tool").map(messageText),
  };
}

/** Prompt size in tokens: every message's text plus a few tokens of framing each. */
export function promptTokens(request: ChatRequest): number {
  return request.messages.reduce(
    (sum, m) => sum + 3 + countTokens(messageText(m)) + countTokens(JSON.stringify(m.tool_calls ?? [])),
    0,
  );
}
