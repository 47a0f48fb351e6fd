import type OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { z } from "zod";
import type { ModelConfig } from "../config/topology.ts";
import type { Logger } from "../log/logger.ts";
import { urlForDisplay } from "../log/redaction.ts";
import { ModelError } from "../protocol/errors.ts";
import type { TokenUsage, ToolEvidence } from "../protocol/schemas.ts";
import { AdaptiveLimiter } from "./adaptive-limiter.ts";
import type {
  CallContext,
  ChatModel,
  StructuredRequest,
  StructuredResult,
  TextModel,
  TextRequest,
  TextResult,
} from "./chat-model.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { endpointContext } from "./endpoint-failure.ts";
import { createOpenAIClient, endpointAddress } from "./openai-client.ts";
import { ResilientCaller } from "./resilient-call.ts";
import {
  type CachedAnswer,
  type EndpointKey,
  endpointKey,
  type ResponseCache,
  servedModelIdentity,
  storableAnswer,
} from "./response-cache.ts";
import { DEFAULT_RETRY_TIMING, type RetryTiming } from "./retry-policy.ts";
import {
  type CallCharge,
  DEFAULT_COMPLETION_CAP,
  estimatePromptTokens,
  type SpendLedger,
  type Tokens,
  unlimitedLedger,
} from "./spending.ts";
import {
  ANSWER_NOW_INSTRUCTION,
  CONCISE_INSTRUCTION,
  isResponseFormatRejection,
  looksLikeRefusal,
  type OutputSpec,
  outputSpec,
  type ParsedOutput,
  parseStructured,
  repairInstruction,
  responseFormat,
  type StructuredMode,
  systemMessage,
} from "./structured-output.ts";
import { runToolCalls, toOpenAITools } from "./tool-calls.ts";
import { addUsage, billedByFailure, billedTokens, cachedUsage, noUsage } from "./usage.ts";

export const DEFAULT_MAX_TOOL_ROUNDS = 4;

/** How long asking the endpoint to describe the model (for the response cache's key) may take. */
const DESCRIBE_TIMEOUT_MS = 10_000;

/** A tool call when no tools were offered (or their rounds are spent) is treated as unusable output. */
const UNINVITED_TOOL_CALL: ParsedOutput<never> = {
  ok: false,
  foundJson: false,
  problem: "it called a tool where no tool calls are allowed",
};

export interface ChatModelDeps {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** The books and budget every HTTP call reserves against and settles with; default: books without a budget. */
  ledger?: SpendLedger;
  /** Shared by every model on one endpoint (createChatModels does this); otherwise the model gets its own. */
  breaker?: CircuitBreaker;
  retryTiming?: RetryTiming;
  /** Answers already paid for, served again for the same request (llm/response-cache.ts); none by default. */
  cache?: ResponseCache;
}

type FinalReply<T> =
  | { ok: true; value: T }
  | { ok: false; error: ModelError; retryTurns: ChatCompletionMessageParam[] };

interface Completion {
  message: ChatCompletionMessage;
  finishReason: ChatCompletion.Choice["finish_reason"];
  usage: TokenUsage;
  /** Puts a complete, fresh answer in the response cache; called once the caller has accepted it. */
  keep?: () => Promise<void>;
}

/**
 * The ChatModel port on the official openai client, for any OpenAI-compatible endpoint. Each structured
 * request may take several HTTP calls (tool rounds, one repair); their usage is summed into the result.
 */
export class OpenAIChatModel implements ChatModel, TextModel {
  readonly id: string;
  readonly model: string;
  readonly #config: ModelConfig;
  readonly #client: OpenAI;
  readonly #caller: ResilientCaller;
  readonly #logger: Logger;
  readonly #ledger: SpendLedger;
  readonly #cache: ResponseCache | undefined;
  /** Where the cache's keys say requests go; computed once, on the first lookup. */
  #cacheKey: Promise<EndpointKey> | undefined;
  /** Starts as configured; drops to json_object for good if the server rejects json_schema. */
  #mode: StructuredMode;

  constructor(config: ModelConfig, deps: ChatModelDeps) {
    this.id = config.id;
    this.model = config.model;
    this.#config = config;
    this.#client = createOpenAIClient(config, deps.env);
    this.#logger = deps.logger.child({ model: config.id });
    this.#ledger = deps.ledger ?? unlimitedLedger();
    this.#cache = deps.cache;
    this.#mode = config.structuredOutput;
    this.#caller = new ResilientCaller({
      context: endpointContext(config),
      maxRetries: config.maxRetries,
      timing: deps.retryTiming ?? DEFAULT_RETRY_TIMING,
      limiter: new AdaptiveLimiter({ max: config.maxConcurrency }),
      breaker: deps.breaker ?? new CircuitBreaker({ endpoint: config.baseUrl }),
      logger: this.#logger,
    });
  }

  async generate<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const spec = outputSpec(request.schemaName, request.schema);
    const maxToolRounds = request.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS;
    const tools = request.tools ? toOpenAITools(request.tools.definitions()) : [];
    const turns: ChatCompletionMessageParam[] = [{ role: "user", content: request.user }];
    const evidence: ToolEvidence[] = [];
    let usage = noUsage(this.id, request.role);
    let toolRounds = 0;
    let repaired = false;
    for (;;) {
      const toolsOffered = tools.length > 0 && toolRounds < maxToolRounds;
      const reply = await this.#completeStructured(request, spec, turns, toolsOffered ? tools : undefined);
      usage = addUsage(usage, reply.usage);
      const { message } = reply;
      const toolCalls = message.tool_calls ?? [];
      if (toolsOffered && request.tools && toolCalls.length > 0) {
        await reply.keep?.();
        const round = await runToolCalls(toolCalls, request.tools, request.signal);
        turns.push({ role: "assistant", content: message.content, tool_calls: toolCalls }, ...round.messages);
        evidence.push(...round.evidence);
        if (++toolRounds === maxToolRounds) turns.push({ role: "user", content: ANSWER_NOW_INSTRUCTION });
        continue;
      }
      const outcome = this.#readFinalReply(reply, request.schema, spec, toolCalls.length > 0);
      if (outcome.ok) {
        await reply.keep?.();
        return { value: outcome.value, usage, evidence };
      }
      if (repaired) throw outcome.error;
      repaired = true;
      this.#logger.info(
        { role: request.role, schema: spec.name, problem: outcome.error.code },
        "asking the model again",
      );
      turns.push(...outcome.retryTurns);
    }
  }

  /** The value, or the error to throw and the turns that ask the model to fix its reply once. */
  #readFinalReply<T>(
    reply: Completion,
    schema: z.ZodType<T>,
    spec: OutputSpec,
    calledTool: boolean,
  ): FinalReply<T> {
    const content = reply.message.content ?? "";
    const parsed = calledTool ? UNINVITED_TOOL_CALL : parseStructured(content, schema);
    if (parsed.ok) return parsed;
    if (reply.message.refusal) throw this.#refusal(spec, reply.message.refusal);
    if (reply.finishReason === "content_filter")
      throw this.#refusal(spec, "(stopped by the provider's content filter)");
    if (reply.finishReason === "length") {
      return {
        ok: false,
        error: this.#truncated(spec),
        retryTurns: [{ role: "user", content: CONCISE_INSTRUCTION }],
      };
    }
    if (!parsed.foundJson && looksLikeRefusal(content)) throw this.#refusal(spec, content);
    return {
      ok: false,
      error: this.#invalidOutput(spec, parsed.problem),
      retryTurns: [
        { role: "assistant", content },
        { role: "user", content: repairInstruction(parsed.problem) },
      ],
    };
  }

  /** Plain chat with the same retries and limits (benchmark evaluation). */
  async generateText(request: TextRequest): Promise<TextResult> {
    const reply = await this.#complete(
      {
        ...this.#sampling(),
        messages: [
          { role: "system", content: request.system },
          { role: "user", content: request.user },
        ],
      },
      request,
    );
    if (reply.message.refusal) throw this.#refusal(undefined, reply.message.refusal);
    await reply.keep?.();
    return { text: reply.message.content ?? "", usage: reply.usage };
  }

  async #completeStructured(
    request: StructuredRequest<unknown>,
    spec: OutputSpec,
    turns: ChatCompletionMessageParam[],
    tools: ChatCompletionFunctionTool[] | undefined,
  ): Promise<Completion> {
    const body = (mode: StructuredMode): ChatCompletionCreateParamsNonStreaming => ({
      ...this.#sampling(),
      messages: [{ role: "system", content: systemMessage(mode, request.system, spec) }, ...turns],
      response_format: responseFormat(mode, spec),
      ...(tools ? { tools } : {}),
    });
    const mode = this.#mode;
    try {
      return await this.#complete(body(mode), request);
    } catch (err) {
      if (mode !== "json_schema" || !isResponseFormatRejection(err)) throw err;
      if (this.#mode === "json_schema") {
        this.#mode = "json_object";
        this.#logger.warn(
          { baseUrl: urlForDisplay(this.#config.baseUrl) },
          'endpoint rejects response_format json_schema; using json_object for this model from now on (set structuredOutput: "json_object" to skip this)',
        );
      }
      return this.#complete(body("json_object"), request);
    }
  }

  /**
   * One chat completion under the ledger: each HTTP attempt reserves its worst case first and settles what it
   * was billed, whatever comes of it (a reply the caller then rejects, a failure whose body reports usage).
   * With a response cache, the body exactly as it would be sent is looked up first: a stored answer is served
   * without a call, a reservation or a bill, and recorded in the books as cached.
   */
  async #complete(body: ChatCompletionCreateParamsNonStreaming, request: CallContext): Promise<Completion> {
    const { role, roundId, signal } = request;
    this.#logger.debug({ role, messages: body.messages }, "model request");
    const charge: CallCharge = { model: this.id, role, ...(roundId === undefined ? {} : { roundId }) };
    // Under a budget every call carries a cap, or its reserve would bound nothing.
    const capped =
      this.#ledger.bounded && body.max_tokens == null
        ? { ...body, max_tokens: DEFAULT_COMPLETION_CAP }
        : body;
    const worst = {
      promptTokens: estimatePromptTokens(capped),
      completionTokens: capped.max_tokens ?? DEFAULT_COMPLETION_CAP,
    };
    const lookup = this.#cache
      ? await this.#cache.lookup(await this.#endpointKey(), capped, roundId)
      : undefined;
    if (lookup?.hit) return this.#served(lookup.hit, charge, signal);
    let usage = noUsage(this.id, role);
    let answered: Tokens | undefined;
    const completion = await this.#caller.call(async (attempt) => {
      const reservation = await this.#ledger.reserve(charge, worst);
      let billed: Tokens | undefined;
      try {
        const result = await this.#client.chat.completions.create(capped, { signal: attempt });
        billed = billedTokens(result.usage);
        answered = billed;
        return result;
      } catch (err) {
        billed = billedByFailure(err);
        throw err;
      } finally {
        if (billed) usage = addUsage(usage, { ...usage, ...billed, calls: 1 });
        await reservation.settle(billed);
      }
    }, signal);
    const choice = completion.choices?.[0];
    if (!choice) {
      throw new ModelError(`model "${this.id}" (${this.model}) returned a completion without choices`, {
        code: "MODEL_EMPTY",
      });
    }
    this.#logger.debug({ role, message: choice.message, finishReason: choice.finish_reason }, "model reply");
    const answeredBy = {
      ...(completion.model ? { model: completion.model } : {}),
      ...(completion.system_fingerprint ? { systemFingerprint: completion.system_fingerprint } : {}),
    };
    const answer =
      lookup && answered
        ? storableAnswer(choice.message, choice.finish_reason, answered, answeredBy)
        : undefined;
    return {
      message: choice.message,
      finishReason: choice.finish_reason,
      usage,
      ...(lookup && answer ? { keep: () => lookup.keep(answer) } : {}),
    };
  }

  /**
   * The endpoint and served-model parts of this model's cache keys. The endpoint is asked once which model it
   * serves under this name (one shared request, however many calls wait for it), so an answer kept for other
   * weights behind the same name is never served.
   */
  #endpointKey(): Promise<EndpointKey> {
    this.#cacheKey ??= servedModelIdentity(this.#client, this.model, {
      timeoutMs: Math.min(this.#config.timeoutMs, DESCRIBE_TIMEOUT_MS),
      logger: this.#logger,
    }).then((served) => endpointKey(endpointAddress(this.#config).baseUrl, served));
    return this.#cacheKey;
  }

  /** An answer from the response cache: no call and nothing billed; the books record what it saved. */
  async #served(answer: CachedAnswer, charge: CallCharge, signal?: AbortSignal): Promise<Completion> {
    signal?.throwIfAborted();
    this.#logger.debug(
      { role: charge.role, message: answer.message, finishReason: answer.finishReason },
      "model reply from the response cache",
    );
    await this.#ledger.recordCached?.(charge, answer.usage);
    return {
      message: answer.message,
      finishReason: answer.finishReason,
      usage: cachedUsage(this.id, charge.role, answer.usage),
    };
  }

  #sampling(): Pick<ChatCompletionCreateParamsNonStreaming, "model" | "temperature" | "max_tokens"> {
    const { model, temperature, maxTokens } = this.#config;
    return {
      model,
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    };
  }

  #refusal(spec: OutputSpec | undefined, text: string): ModelError {
    const what = spec ? ` the "${spec.name}" request` : "";
    return new ModelError(`model "${this.id}" (${this.model}) refused${what}: ${excerpt(text)}`, {
      code: "MODEL_REFUSED",
    });
  }

  #truncated(spec: OutputSpec): ModelError {
    return new ModelError(
      `model "${this.id}" (${this.model}) hit its output token limit on "${spec.name}" (finish_reason "length") ` +
        "and one retry did not fix it: raise maxTokens for this model",
      { code: "MODEL_TRUNCATED" },
    );
  }

  #invalidOutput(spec: OutputSpec, problem: string): ModelError {
    return new ModelError(
      `model "${this.id}" (${this.model}) gave no valid "${spec.name}" output, even after one retry: ${problem}`,
      { code: "MODEL_MALFORMED" },
    );
  }
}

const EXCERPT_CHARS = 200;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}...` : flat;
}
