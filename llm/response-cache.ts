import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
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
 * run twice, or a generation run replayed, pays once. One file per key, `<dir>/<2 hex>/<sha256>.json`, written
 * atomically, so processes sharing the folder see a whole entry or none.
 *
 * The key is everything that decides the answer: the endpoint (without credentials; a query string only as its
 * hash) and the request body exactly as it goes over the wire (model, messages, temperature, top_p, max
 * tokens, seed, tools, tool_choice, response_format, stop, n...), plus which draw of that request this is: the
 * round it serves and how many times this process already asked it there, so a retry or another round asking
 * the same prompt gets an answer of its own, and a replay gets the same answers in the same order. The API key
 * and headers are not in it, and an entry holding any secret the process knows is never written.
 *
 * Only complete answers are kept (finish_reason "stop" or "tool_calls", no refusal), and only once the caller
 * has accepted them (a reply that fails validation is dropped). A file that cannot be read, is not an entry, or
 * was stored for another request (a collision, an edit) is a miss, and the next kept answer replaces it.
 */

export const RESPONSE_CACHE_ENTRY = "nanoflux.response-cache.v1";

/** Bigger files are no entry of ours; a limit keeps a stray file from being read whole into memory. */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** Where a request goes, as far as the answer depends on it. */
export interface EndpointKey {
  /** Origin and path of the API root, without `user:password@`, query or fragment. */
  endpoint: string;
  /** SHA-256 of the query string, when the URL has one (it may carry a key, so only its hash is kept). */
  queryHash?: string;
}

/** The endpoint part of a cache key, from a model's base URL. */
export function endpointKey(baseUrl: string): EndpointKey {
  const url = new URL(baseUrl);
  const endpoint = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  return url.search === "" ? { endpoint } : { endpoint, queryHash: sha256(url.search) };
}

export interface CacheKey extends EndpointKey {
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
});

const CacheEntry = z.object({
  type: z.literal(RESPONSE_CACHE_ENTRY),
  /** Compared whole with the key looked up: a file stored for another request is a miss. */
  key: z.unknown(),
  answer: StoredAnswer,
  storedAt: z.string(),
});

/** A reply worth keeping: complete, no refusal, something in it. Anything else is never stored. */
export function storableAnswer(
  message: ChatCompletionMessage,
  finishReason: string | null | undefined,
  usage: Tokens,
): CachedAnswer | undefined {
  if (finishReason !== "stop" && finishReason !== "tool_calls") return undefined;
  if (message.refusal) return undefined;
  if (message.content == null && (message.tool_calls ?? []).length === 0) return undefined;
  return { message, finishReason, usage };
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
  /** Whose secret values must never reach a file (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
}

export class ResponseCache {
  readonly dir: string;
  readonly #logger: Logger;
  readonly #env: NodeJS.ProcessEnv;
  /** Draws handed out so far, per request and round (without the draw). */
  readonly #draws = new Map<string, number>();

  constructor(options: ResponseCacheOptions) {
    this.dir = resolve(options.dir);
    this.#logger = options.logger.child({ component: "response-cache" });
    this.#env = options.env ?? process.env;
  }

  /** Looks a request up, taking the next draw of it for its round. */
  async lookup(
    endpoint: EndpointKey,
    request: ChatCompletionCreateParamsNonStreaming,
    round: string | undefined,
  ): Promise<CacheLookup> {
    const undrawn = sha256(canonicalJson({ ...endpoint, request, round: round ?? null }));
    const draw = this.#draws.get(undrawn) ?? 0;
    this.#draws.set(undrawn, draw + 1);
    const key: CacheKey = { ...endpoint, request, round: round ?? null, draw };
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
    return {
      message: { ...rest, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
      finishReason,
      usage,
    };
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
