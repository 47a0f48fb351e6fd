/** What a simulated role answers, before it is shaped into a chat completion or a stream of chunks. */

export interface ToolCallReply {
  id: string;
  name: string;
  arguments: string;
}

export interface Reply {
  content: string | null;
  toolCalls: ToolCallReply[];
  refusal: string | null;
  finishReason: "stop" | "length" | "tool_calls";
}

export function textReply(content: string): Reply {
  return { content, toolCalls: [], refusal: null, finishReason: "stop" };
}

export function jsonReply(value: unknown): Reply {
  return textReply(JSON.stringify(value));
}

export function toolCallReply(call: ToolCallReply): Reply {
  return { content: null, toolCalls: [call], refusal: null, finishReason: "tool_calls" };
}
