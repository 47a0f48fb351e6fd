import OpenAI from "openai";
import type { ModelConfig } from "../config/topology.ts";
import { ConfigError } from "../core/errors.ts";

/** Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the client insists on one. */
export const PLACEHOLDER_API_KEY = "no-key-needed";

export function resolveApiKey(model: ModelConfig, env: NodeJS.ProcessEnv): string {
  if (!model.apiKeyEnv) return PLACEHOLDER_API_KEY;
  const key = env[model.apiKeyEnv];
  if (!key) {
    throw new ConfigError(
      `model "${model.id}": environment variable ${model.apiKeyEnv} is not set; export ${model.apiKeyEnv}=<API key> ` +
        "or remove apiKeyEnv if the server needs no key",
    );
  }
  return key;
}

/** An openai client for one model, with its own retries off: llm/resilient-call.ts decides those. */
export function createOpenAIClient(model: ModelConfig, env: NodeJS.ProcessEnv): OpenAI {
  return new OpenAI({
    apiKey: resolveApiKey(model, env),
    baseURL: model.baseUrl,
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
