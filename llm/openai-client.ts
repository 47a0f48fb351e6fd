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
  });
}
