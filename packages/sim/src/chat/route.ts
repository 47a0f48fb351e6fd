import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { malform } from "../faults.ts";
import { BadRequestError, readJson, sendJson } from "../http.ts";
import { firstTokenMs, generationMs, pause } from "../pacing.ts";
import { Rng } from "../random.ts";
import type { RouteCall, RouteModule, SimContext } from "../routes.ts";
import { countTokens } from "../text.ts";
import {
  chunk,
  completionBody,
  completionTokens,
  contentPieces,
  limitTokens,
  toolCallDelta,
  type Usage,
  usageChunk,
} from "./completion.ts";
import type { Reply } from "./reply.ts";
import { ChatRequest, promptTokens, readConversation } from "./request.ts";
import { planRole, play } from "./roles.ts";

/** POST /v1/chat/completions: plays the role the request implies, JSON or server-sent events. */

interface Delivery {
  id: string;
  created: number;
  model: string;
  reply: Reply;
  usage: Usage;
  includeUsage: boolean;
}

async function stream(sim: SimContext, call: RouteCall, d: Delivery): Promise<void> {
  const { res, signal } = call;
  const send = (body: unknown) => res.write(`data: ${JSON.stringify(body)}\n\n`);
  await pause(firstTokenMs(sim.config.latencyMs, sim.chance), signal);
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  send(chunk(d.id, d.created, d.model, { role: "assistant", content: "", refusal: null }));
  for (const piece of contentPieces(d.reply.content ?? "")) {
    await pause(generationMs(countTokens(piece), sim.config.tokensPerSecond), signal);
    send(chunk(d.id, d.created, d.model, { content: piece }));
  }
  if (d.reply.refusal !== null) send(chunk(d.id, d.created, d.model, { refusal: d.reply.refusal }));
  if (d.reply.toolCalls.length > 0) send(chunk(d.id, d.created, d.model, toolCallDelta(d.reply)));
  send(chunk(d.id, d.created, d.model, {}, d.reply.finishReason));
  if (d.includeUsage) send(usageChunk(d.id, d.created, d.model, d.usage));
  res.end("data: [DONE]\n\n");
}

async function respond(
  sim: SimContext,
  res: ServerResponse,
  signal: AbortSignal,
  d: Delivery,
): Promise<void> {
  await pause(
    firstTokenMs(sim.config.latencyMs, sim.chance) +
      generationMs(d.usage.completion_tokens, sim.config.tokensPerSecond),
    signal,
  );
  sendJson(res, 200, completionBody(d.id, d.created, d.model, d.reply, d.usage));
}

async function completeChat(sim: SimContext, call: RouteCall): Promise<void> {
  const parsed = ChatRequest.safeParse(await readJson(call.req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.join(".") ?? null;
    throw new BadRequestError(
      `Invalid chat completion request: ${param ? `${param}: ` : ""}${issue?.message ?? "malformed body"}`,
      param,
    );
  }
  const request = parsed.data;
  const conversation = readConversation(request);
  const plan = planRole(request, conversation);
  if (call.fault === "server_error") return billedFailure(sim, call.res, request, plan.role);
  // Seeded from the prompt as the model reads it, and from which draw of that prompt this is.
  const messages = JSON.stringify(request.messages);
  const draw = sim.samples.next(request.model, messages, request.temperature);
  const rng = Rng.of(sim.config.seed, request.model, messages, draw);
  let reply = play(plan, {
    request,
    conversation,
    skill: sim.skills.skillOf(request.model),
    seed: sim.config.seed,
    rng,
    registry: sim.registry,
  });
  const ownRate = sim.config.models.find((m) => m.name === request.model)?.rateMalformed ?? 0;
  if (ownRate > 0 && sim.chance.next() < ownRate) {
    sim.stats.fault("malformed");
    reply = malform(reply, sim.chance, true);
  } else if (call.fault === "malformed") {
    sim.stats.fault("malformed");
    reply = malform(reply, sim.chance);
  }
  reply = limitTokens(reply, request.max_completion_tokens ?? request.max_tokens);
  const prompt = promptTokens(request);
  const completion = completionTokens(reply);
  sim.stats.served(request.model, plan.role, prompt, completion);
  const delivery: Delivery = {
    id: `chatcmpl-${randomUUID().replaceAll("-", "")}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    reply,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    includeUsage: request.stream_options?.include_usage === true,
  };
  await (request.stream ? stream(sim, call, delivery) : respond(sim, call.res, call.signal, delivery));
}

/** A server that read the prompt, billed it, then failed: a 500 whose body says what it billed. */
function billedFailure(sim: SimContext, res: ServerResponse, request: ChatRequest, role: string): void {
  const prompt = promptTokens(request);
  sim.stats.served(request.model, role, prompt, 0);
  sim.stats.fault("server_error");
  sendJson(res, 500, {
    error: {
      message: "The server had an error while processing your request.",
      type: "server_error",
      code: null,
    },
    usage: { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt },
  });
}

export const chatRoutes: RouteModule = (sim) => [
  {
    method: "POST",
    path: "/v1/chat/completions",
    servesModel: true,
    billsFailures: true,
    handle: (call) => completeChat(sim, call),
  },
];
