import { countTokens } from "../text.ts";
import type { Reply } from "./reply.ts";

/** The wire shapes of a chat completion and of its streamed chunks, as OpenAI sends them. */

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function completionTokens(reply: Reply): number {
  const text =
    (reply.content ?? "") + (reply.refusal ?? "") + reply.toolCalls.map((c) => c.name + c.arguments).join("");
  return Math.max(1, countTokens(text));
}

/** Cuts a reply to max_tokens the way servers do: text stops mid-way and finish_reason is "length". */
export function limitTokens(reply: Reply, maxTokens: number | null | undefined): Reply {
  if (!maxTokens || completionTokens(reply) <= maxTokens) return reply;
  const chars = maxTokens * 4;
  return {
    ...reply,
    content: reply.content?.slice(0, chars) ?? null,
    toolCalls: reply.toolCalls.map((call) => ({ ...call, arguments: call.arguments.slice(0, chars) })),
    finishReason: "length",
  };
}

function wireToolCalls(reply: Reply) {
  return reply.toolCalls.map((call, index) => ({
    index,
    id: call.id,
    type: "function" as const,
    function: { name: call.name, arguments: call.arguments },
  }));
}

export function completionBody(id: string, created: number, model: string, reply: Reply, usage: Usage) {
  const toolCalls = wireToolCalls(reply).map(({ index: _index, ...call }) => call);
  return {
    id,
    object: "chat.completion",
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.content,
          refusal: reply.refusal,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage,
    system_fingerprint: null,
  };
}

/** Content split into a few pieces, as a stream would deliver it. */
export function contentPieces(content: string, pieces = 8): string[] {
  const size = Math.max(16, Math.ceil(content.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < content.length; i += size) out.push(content.slice(i, i + size));
  return out;
}

export function chunk(
  id: string,
  created: number,
  model: string,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
) {
  return {
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

export function usageChunk(id: string, created: number, model: string, usage: Usage) {
  return { id, object: "chat.completion.chunk", created, model, choices: [], usage };
}

export function toolCallDelta(reply: Reply): Record<string, unknown> {
  return { tool_calls: wireToolCalls(reply) };
}
