import OpenAI from "openai";
import type { ModelConfig } from "../config/topology.ts";
import { looksLikeSecret, rememberSecret, urlForDisplay } from "../log/redaction.ts";
import { ConfigError } from "../protocol/errors.ts";

/** Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the client insists on one. */
export const PLACEHOLDER_API_KEY = "no-key-needed";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function resolveApiKey(model: ModelConfig, env: NodeJS.ProcessEnv): string {
  if (!model.apiKeyEnv) return PLACEHOLDER_API_KEY;
  // Settings that did not come through the topology schema (command-line flags): a pasted key is not echoed.
  if (!ENV_NAME.test(model.apiKeyEnv) || looksLikeSecret(model.apiKeyEnv))
    throw new ConfigError(
      `model "${model.id}": apiKeyEnv looks like the key itself, not the name of an environment variable; ` +
        "put the key in an environment variable (export OPENAI_API_KEY=...) and name the variable instead",
    );
  const key = env[model.apiKeyEnv];
  if (!key) {
    throw new ConfigError(
      `model "${model.id}": environment variable ${model.apiKeyEnv} is not set; export ${model.apiKeyEnv}=<API key> ` +
        "or remove apiKeyEnv if the server needs no key",
    );
  }
  rememberSecret(key);
  return key;
}

/** An endpoint URL split for the client: the URL without credentials, and its `user:password@` if any. */
export interface EndpointAddress {
  baseUrl: string;
  /** The value of an `Authorization: Basic ...` header carrying the URL's user and password. */
  basicAuth?: string;
}

/**
 * Takes a `user:password@` out of an endpoint URL: fetch refuses URLs with credentials, and the password must
 * not reach messages and logs that show the URL. The credentials travel as HTTP Basic auth instead.
 */
export function endpointAddress(model: Pick<ModelConfig, "id" | "baseUrl">): EndpointAddress {
  let url: URL;
  try {
    url = new URL(model.baseUrl);
  } catch (err) {
    throw new ConfigError(
      `model "${model.id}": baseUrl ${urlForDisplay(model.baseUrl)} is not a URL; write e.g. http://localhost:8000/v1`,
      { cause: err },
    );
  }
  if (url.username === "" && url.password === "") return { baseUrl: model.baseUrl };
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch (err) {
    throw new ConfigError(
      `model "${model.id}": the user or password in baseUrl is not valid percent-encoding; write %40 for @, %3A for :`,
      { cause: err },
    );
  }
  rememberSecret(password);
  url.username = "";
  url.password = "";
  return {
    baseUrl: url.href,
    basicAuth: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
}

/**
 * An openai client for one model, with its own retries off: llm/resilient-call.ts decides those. A baseUrl
 * with `user:password@` sends them as HTTP Basic auth; with apiKeyEnv too the one Authorization header would
 * be ambiguous, so that is refused (config/topology.ts refuses it in a topology file already).
 */
export function createOpenAIClient(model: ModelConfig, env: NodeJS.ProcessEnv): OpenAI {
  const address = endpointAddress(model);
  if (address.basicAuth && model.apiKeyEnv)
    throw new ConfigError(
      `model "${model.id}": baseUrl holds a user:password@ and apiKeyEnv names a key: the endpoint gets one ` +
        "Authorization header; keep one",
    );
  return new OpenAI({
    apiKey: resolveApiKey(model, env),
    baseURL: address.baseUrl,
    // Default headers come after the client's Bearer header, so this one is what the server sees.
    ...(address.basicAuth ? { defaultHeaders: { Authorization: address.basicAuth } } : {}),
    maxRetries: 0,
    timeout: model.timeoutMs,
    // Keep OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment out of requests to other servers.
    organization: null,
    project: null,
    fetch: keepBilledUsage,
  });
}

/**
 * The client turns a failed reply into an error holding only the body's `error` object. A server that bills a
 * call it then fails (some proxies answer a 5xx with `usage`) would go unrecorded, so the `usage` of a failed
 * JSON reply is copied into its `error` object, where the books read it (usage.ts).
 */
async function keepBilledUsage(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (response.ok || !response.headers.get("content-type")?.includes("json")) return response;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  if (typeof body !== "object" || body === null || !("usage" in body)) return response;
  const { error } = body as { error?: unknown };
  const kept = {
    ...body,
    error: {
      ...(typeof error === "object" && error !== null ? error : { message: String(error) }),
      usage: body.usage,
    },
  };
  return new Response(JSON.stringify(kept), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
