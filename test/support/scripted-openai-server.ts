import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/**
 * A strict, scripted OpenAI-compatible HTTP server for adapter tests. It answers requests with the script's
 * steps in order, records every request with its arrival time, answers anything off-script with a 418 (a
 * status the adapter never retries) and reports it, with any steps left unused, from `assertScriptDone()`.
 */

export type ScriptedReply =
  | { kind: "json"; status: number; headers?: Record<string, string>; body: unknown }
  /** Accepts the request and never answers (timeouts). */
  | { kind: "hang" }
  /** Closes the connection without an answer (network errors). */
  | { kind: "drop" }
  /** Decides the reply from the request, as a model that reads its prompt does. */
  | { kind: "dynamic"; respond: (body: ChatRequestBody) => ScriptedReply };

export interface ScriptStep {
  method: "GET" | "POST";
  path: string;
  reply: ScriptedReply;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Date.now() when the request arrived: lets a test check waits without sleeping. */
  receivedAt: number;
}

export interface ScriptedOpenAIServer {
  /** API root to use as a model's baseUrl, e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  requests: RecordedRequest[];
  /** The chat request body of request `index`, checked for the fields tests look at. */
  chatRequest(index: number): ChatRequestBody;
  /** Throws when a request came that the script did not expect, or script steps were left unused. */
  assertScriptDone(): void;
  close(): Promise<void>;
}

const ChatMessage = z.looseObject({
  role: z.string(),
  content: z.string().nullable().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z
    .array(z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string() }) }))
    .optional(),
});

export const ChatRequestBody = z.looseObject({
  model: z.string(),
  messages: z.array(ChatMessage),
  response_format: z.looseObject({ type: z.string(), json_schema: z.looseObject({}).optional() }).optional(),
  tools: z.array(z.looseObject({ function: z.looseObject({ name: z.string() }) })).optional(),
  temperature: z.number().optional(),
  max_tokens: z.number().optional(),
});
export type ChatRequestBody = z.infer<typeof ChatRequestBody>;

const CHAT_PATH = "/v1/chat/completions";

export interface ScriptedToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface CompletionOptions {
  finishReason?: "stop" | "length" | "tool_calls" | "content_filter";
  toolCalls?: ScriptedToolCall[];
  refusal?: string;
  usage?: { prompt: number; completion: number };
}

/** A 200 chat completion with one choice. */
export function completion(content: string | null, options: CompletionOptions = {}): ScriptStep {
  const usage = options.usage ?? { prompt: 10, completion: 5 };
  const toolCalls = options.toolCalls?.map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
  const message = { role: "assistant", content, refusal: options.refusal ?? null, tool_calls: toolCalls };
  const finishReason = options.finishReason ?? (toolCalls ? "tool_calls" : "stop");
  return chatStep({
    kind: "json",
    status: 200,
    body: {
      id: "chatcmpl-scripted",
      object: "chat.completion",
      created: 0,
      model: "scripted",
      choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    },
  });
}

/** A chat step whose completion is decided from the request, by a model that reads its prompt. */
export function respondTo(decide: (body: ChatRequestBody) => ScriptStep): ScriptStep {
  return chatStep({
    kind: "dynamic",
    respond: (body) => {
      const step = decide(body);
      if (step.method !== "POST" || step.path !== CHAT_PATH)
        throw new Error("respondTo: reply with a chat step");
      return step.reply;
    },
  });
}

/** A chat completion answered with an OpenAI-style error body. */
export function apiError(
  status: number,
  message: string,
  options: { headers?: Record<string, string>; code?: string } = {},
): ScriptStep {
  return chatStep({
    kind: "json",
    status,
    headers: options.headers,
    body: { error: { message, type: "scripted_error", code: options.code ?? null, param: null } },
  });
}

export function hang(): ScriptStep {
  return chatStep({ kind: "hang" });
}

export function drop(): ScriptStep {
  return chatStep({ kind: "drop" });
}

/** GET /v1/models listing these model names. */
export function modelList(ids: string[]): ScriptStep {
  return {
    method: "GET",
    path: "/v1/models",
    reply: {
      kind: "json",
      status: 200,
      body: {
        object: "list",
        data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: "scripted" })),
      },
    },
  };
}

function chatStep(reply: ScriptedReply): ScriptStep {
  return { method: "POST", path: CHAT_PATH, reply };
}

export async function startScriptedOpenAIServer(script: ScriptStep[]): Promise<ScriptedOpenAIServer> {
  const pending = [...script];
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const request = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body,
          receivedAt: Date.now(),
        };
        requests.push(request);
        const step = pending[0];
        if (!step || step.method !== request.method || step.path !== request.path) {
          const expected = step ? `${step.method} ${step.path}` : "nothing (script finished)";
          unexpected.push(`#${requests.length} ${request.method} ${request.path}, expected ${expected}`);
          sendJson(res, 418, {
            error: { message: `scripted server: unexpected ${request.method} ${request.path}` },
          });
          return;
        }
        pending.shift();
        reply(req, res, step.reply, body);
      },
      (err: unknown) => {
        unexpected.push(`unreadable request body: ${String(err)}`);
        res.destroy();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequest: (index) => {
      const request = requests[index];
      if (!request) throw new Error(`scripted server: no request #${index}; got ${requests.length}`);
      return ChatRequestBody.parse(request.body);
    },
    assertScriptDone: () => {
      const problems = [
        ...unexpected.map((u) => `unexpected request ${u}`),
        ...pending.map((step) => `unused step: ${step.method} ${step.path} -> ${step.reply.kind}`),
      ];
      if (problems.length > 0) throw new Error(`scripted OpenAI server:\n  ${problems.join("\n  ")}`);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function reply(req: IncomingMessage, res: ServerResponse, scripted: ScriptedReply, body: unknown): void {
  if (scripted.kind === "dynamic") reply(req, res, scripted.respond(ChatRequestBody.parse(body)), body);
  else if (scripted.kind === "json") sendJson(res, scripted.status, scripted.body, scripted.headers);
  else if (scripted.kind === "drop") req.socket.destroy();
  // "hang": leave the response open; close() ends the connection.
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  const body: unknown = JSON.parse(text);
  return body;
}
