import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type OpenAI from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessage,
} from "openai/resources/chat/completions";
import { z } from "zod";
import { writeFileAtomic } from "../core/atomic-file.ts";
import type { Logger } from "../log/logger.ts";
import { knownSecrets } from "../log/redaction.ts";
import { errorMessage } from "../protocol/errors.ts";
import type { Tokens } from "./spending.ts";

/**
 * Model answers already paid for, kept on disk and served again for exactly the same request: an evaluation
 * run twice, or a generation run resumed, pays once. One file per key, `<dir>/<2 hex>/<sha256>.json`, written
 * atomically, so processes sharing the folder see a whole entry or none.
 *
 * The key is everything that decides the answer:
 * - the endpoint (origin and path, without credentials);
 * - the model behind the request's model name, as the endpoint describes it (servedModelIdentity below): a
 *   server that puts other weights behind the same name (vLLM's --served-model-name, a re-pulled Ollama tag,
 *   llama.cpp answering every name with whatever it loaded) gets other keys. An endpoint that describes no
 *   model is keyed `unknown`, and its answers are still served: there the cache cannot tell new weights from
 *   old, and `--no-cache` (or another cache folder) is the way to ask afresh;
 * - whose answers these are (the namespace: a generation run's id, so two runs never replay each other and a
 *   resumed run replays its own; none for evaluation, whose answers any later evaluation may reuse);
 * - the request body exactly as it goes over the wire (model, messages, temperature, top_p, max tokens, seed,
 *   tools, tool_choice, response_format, stop, n...);
 * - which draw of that request this is: the round it serves and how many times this process already asked it
 *   there, so a retry or another round asking the same prompt gets an answer of its own, and a replay gets the
 *   same answers in the same order.
 * The API key and headers are not in it, and an entry holding any secret the process knows is never written.
 *
 * Only complete answers with something in them are kept (finish_reason "stop" or "tool_calls", no refusal, text
 * that is not blank or a tool call), and only once the caller has accepted them (a reply that fails validation
 * is dropped). A file that cannot be read, is not such an entry, or was stored for another request (a
 * collision, an edit) is a miss, and the next kept answer replaces it.
 */

export const RESPONSE_CACHE_ENTRY = "nanoflux.response-cache.v1";

/** Bigger files are no entry of ours; a limit keeps a stray file from being read whole into memory. */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** The served-model part of a key when the endpoint does not describe the model. */
export const UNKNOWN_MODEL = "unknown";

/** Where a request goes and what answers it there, as far as the answer depends on them. */
export interface EndpointKey {
  /** Origin and path of the API root, without `user:password@`, query or fragment. */
  endpoint: string;
  /**
   * Fingerprint of the model behind the model name, as the endpoint describes it (`retrieve:<sha256>` or
   * `list:<sha256>`), or `unknown`.
   */
  servedModel: string;
}

/**
 * The endpoint part of a cache key, from a model's base URL. A query string is not part of it: the openai
 * client appends each route to the base URL as text, so `.../v1?x=1` posts to `/v1?x=1/chat/completions`, and
 * such a URL never reaches a model at all.
 */
export function endpointKey(baseUrl: string, servedModel = UNKNOWN_MODEL): EndpointKey {
  const url = new URL(baseUrl);
  return { endpoint: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`, servedModel };
}

/**
 * Fields that change from one request to the next on some servers and so say nothing about the weights: vLLM's
 * `permission` (fresh ids each time), llama.cpp's `status` (loaded, sleeping).
 */
const VOLATILE_FIELDS = new Set(["permission", "status"]);

/**
 * A model description as a key part. From `GET /models/{name}` (Ollama, OpenAI, the simulator) every field but
 * the volatile ones counts, `created` included: Ollama reports when the tag was last pulled, the simulator when
 * it started, so new weights there mean new keys. From an entry of `GET /models` (vLLM and llama.cpp have no
 * route for one model) `created` is left out too: both stamp it with the time of the request, which would make
 * every process miss; their `root`, `max_model_len` and `meta` (size, parameters) still tell weights apart.
 */
export function modelFingerprint(description: Record<string, unknown>, via: "retrieve" | "list"): string {
  const stable = Object.entries(description).filter(
    ([field]) => !VOLATILE_FIELDS.has(field) && !(via === "list" && field === "created"),
  );
  return `${via}:${sha256(canonicalJson(Object.fromEntries(stable)))}`;
}

const ModelDescription = z.looseObject({ id: z.string() });

/** The one entry of a model list that describes `model`: its own, Ollama's `:latest`, or a server's only one. */
function listedEntry(entries: readonly unknown[], model: string): Record<string, unknown> | undefined {
  const described = entries.flatMap((entry) => {
    const parsed = ModelDescription.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
  // A server that lists one model answers every name with it (llama.cpp ignores the name it is sent).
  return (
    described.find((entry) => entry.id === model) ??
    described.find((entry) => entry.id === `${model}:latest`) ??
    (described.length === 1 ? described[0] : undefined)
  );
}

/**
 * The served-model part of the keys for one model name: `GET /models/{name}`, else its entry in `GET /models`,
 * else `unknown` (a failure is logged, never thrown: the cache then works as it would without the fingerprint).
 */
export async function servedModelIdentity(
  client: Pick<OpenAI, "models">,
  model: string,
  options: { timeoutMs: number; logger: Logger },
): Promise<string> {
  const request = { timeout: options.timeoutMs, maxRetries: 0 };
  let retrieveFailure: string;
  try {
    const described = ModelDescription.safeParse(await client.models.retrieve(model, request));
    if (described.success) return modelFingerprint(described.data, "retrieve");
    retrieveFailure = "GET /models/{model} answered something that is not a model";
  } catch (err) {
    retrieveFailure = errorMessage(err);
  }
  let listFailure: string;
  try {
    const page = await client.models.list(request);
    const entry = listedEntry(page.data, model);
    if (entry) return modelFingerprint(entry, "list");
    listFailure = `GET /models does not list "${model}"`;
  } catch (err) {
    listFailure = errorMessage(err);
  }
  options.logger.warn(
    { model, retrieve: retrieveFailure, list: listFailure },
    "the endpoint does not describe this model: cached answers for it are served even if its weights changed " +
      "behind the same name; after swapping weights, ask afresh (eval --no-cache, or another cache folder)",
  );
  return UNKNOWN_MODEL;
}

export interface CacheKey extends EndpointKey {
  /** Whose answers: a generation run's id; null for evaluation. */
  namespace: string | null;
  /** The chat completion body exactly as sent. */
  request: ChatCompletionCreateParamsNonStreaming;
  /** The round the call serves; null outside rounds (evaluation). */
  round: string | null;
  /** 0 for the first time this process asks this request for this round, 1 for the second, ... */
  draw: number;
}

/** A complete answer, as the adapter reads it back. */
export interface CachedAnswer {
  message: ChatCompletionMessage;
  finishReason: "stop" | "tool_calls";
  /** What the endpoint billed for it when it was bought. */
  usage: Tokens;
  /** Who answered, as the completion says (its `model` and `system_fingerprint`): kept for audits, not compared. */
  answeredBy?: { model?: string; systemFingerprint?: string };
}

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const StoredAnswer = z.object({
  message: z.looseObject({
    role: z.literal("assistant"),
    content: z.string().nullable(),
    refusal: z.null().optional(),
    tool_calls: z.array(ToolCall).optional(),
  }),
  finishReason: z.enum(["stop", "tool_calls"]),
  usage: z.object({
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
  }),
  answeredBy: z.object({ model: z.string().optional(), systemFingerprint: z.string().optional() }).optional(),
});

const CacheEntry = z.object({
  type: z.literal(RESPONSE_CACHE_ENTRY),
  /** Compared whole with the key looked up: a file stored for another request is a miss. */
  key: z.unknown(),
  answer: StoredAnswer,
  storedAt: z.string(),
});

/**
 * A reply worth keeping: complete, no refusal, something in it (text that is not blank, or a tool call: an empty
 * answer is more often a server's hiccup than the model's answer, and kept it would be replayed forever).
 * Anything else is never stored, and an entry on disk that holds anything else is never served.
 */
export function storableAnswer(
  message: ChatCompletionMessage,
  finishReason: string | null | undefined,
  usage: Tokens,
  answeredBy?: CachedAnswer["answeredBy"],
): CachedAnswer | undefined {
  if (finishReason !== "stop" && finishReason !== "tool_calls") return undefined;
  if (message.refusal) return undefined;
  if ((message.content ?? "").trim() === "" && (message.tool_calls ?? []).length === 0) return undefined;
  return { message, finishReason, usage, ...(answeredBy ? { answeredBy } : {}) };
}

/** JSON with every object's keys in order: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, entry: unknown) =>
    entry !== null && typeof entry === "object" && !Array.isArray(entry)
      ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : entry,
  );
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** One request's place in the cache: its stored answer if any, and how to keep the answer bought for it. */
export interface CacheLookup {
  readonly key: CacheKey;
  /** Where its entry lives. */
  readonly file: string;
  /** A valid entry stored for exactly this request. */
  readonly hit: CachedAnswer | undefined;
  /** Keeps an answer the caller accepted; a failed write is logged, never thrown. */
  keep(answer: CachedAnswer): Promise<void>;
}

export interface ResponseCacheOptions {
  dir: string;
  logger: Logger;
  /**
   * Whose answers this cache keeps and serves: generation passes its run id, so another run (even with the same
   * seed, whose round ids repeat) buys its own answers and a resumed run replays its own. None for evaluation.
   */
  namespace?: string;
  /** Whose secret values must never reach a file (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
}

export class ResponseCache {
  readonly dir: string;
  readonly #logger: Logger;
  readonly #env: NodeJS.ProcessEnv;
  readonly #namespace: string | null;
  /** Draws handed out so far, per request and round (without the draw). */
  readonly #draws = new Map<string, number>();

  constructor(options: ResponseCacheOptions) {
    this.dir = resolve(options.dir);
    this.#logger = options.logger.child({ component: "response-cache" });
    this.#env = options.env ?? process.env;
    this.#namespace = options.namespace ?? null;
  }

  /** Looks a request up, taking the next draw of it for its round. */
  async lookup(
    endpoint: EndpointKey,
    request: ChatCompletionCreateParamsNonStreaming,
    round: string | undefined,
  ): Promise<CacheLookup> {
    const undrawn: Omit<CacheKey, "draw"> = {
      endpoint: endpoint.endpoint,
      servedModel: endpoint.servedModel,
      namespace: this.#namespace,
      request,
      round: round ?? null,
    };
    const drawKey = sha256(canonicalJson(undrawn));
    const draw = this.#draws.get(drawKey) ?? 0;
    this.#draws.set(drawKey, draw + 1);
    const key: CacheKey = { ...undrawn, draw };
    const canonicalKey = canonicalJson(key);
    const hash = sha256(canonicalKey);
    const file = join(this.dir, hash.slice(0, 2), `${hash}.json`);
    const hit = await this.#read(file, canonicalKey);
    return { key, file, hit, keep: (answer) => this.#write(file, key, answer) };
  }

  async #read(file: string, canonicalKey: string): Promise<CachedAnswer | undefined> {
    let text: string;
    try {
      const info = await stat(file);
      if (!info.isFile() || info.size > MAX_ENTRY_BYTES) return this.#miss(file, "not an entry file");
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      return this.#miss(file, errorMessage(err));
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.#miss(file, "not JSON");
    }
    const entry = CacheEntry.safeParse(raw);
    if (!entry.success) return this.#miss(file, "not a response cache entry");
    if (canonicalJson(entry.data.key) !== canonicalKey) return this.#miss(file, "stored for another request");
    const { message, finishReason, usage } = entry.data.answer;
    const { tool_calls: toolCalls, ...rest } = message;
    const answer = storableAnswer(
      { ...rest, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
      finishReason,
      usage,
    );
    return answer ?? this.#miss(file, "an answer that is not kept (empty)");
  }

  #miss(file: string, why: string): undefined {
    this.#logger.warn({ file, why }, "ignoring an unusable response cache file; it will be replaced");
    return undefined;
  }

  async #write(file: string, key: CacheKey, answer: CachedAnswer): Promise<void> {
    const entry = { type: RESPONSE_CACHE_ENTRY, key, answer, storedAt: new Date().toISOString() };
    const text = `${JSON.stringify(entry)}\n`;
    if (text.length > MAX_ENTRY_BYTES) return;
    // A prompt or answer that quotes a key would put it on disk: such an answer is simply not kept.
    if (
      knownSecrets(this.#env).some((secret) => text.includes(secret) || text.includes(jsonEscaped(secret)))
    ) {
      this.#logger.warn(
        { model: key.request.model },
        "not caching an answer whose request or reply holds a secret",
      );
      return;
    }
    try {
      await mkdir(join(file, ".."), { recursive: true });
      await writeFileAtomic(file, text);
    } catch (err) {
      this.#logger.warn({ file, err: errorMessage(err) }, "could not write to the response cache");
    }
  }
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
