import { ModelConfig } from "../config/topology.ts";
import { OpenAIChatModel } from "../llm/openai-model.ts";
import type { ResponseCache } from "../llm/response-cache.ts";
import type { Logger } from "../log/logger.ts";
import { ConfigError } from "../protocol/errors.ts";

export interface EndpointOptions {
  /** Model name sent to the endpoint (a fine-tune's name works too: ft:...). */
  model: string;
  baseUrl: string;
  apiKeyEnv?: string;
  concurrency: number;
  temperature?: number;
  maxTokens?: number;
  /** Retries of a call that hit 429, 5xx or a timeout (default: the adapter's). */
  maxRetries?: number;
}

/** A plain-chat model on any OpenAI-compatible endpoint, with the llm/ adapter's retries on 429 and 5xx. */
export function createEvalModel(
  options: EndpointOptions,
  deps: { env: NodeJS.ProcessEnv; logger: Logger; cache?: ResponseCache },
): OpenAIChatModel {
  const config = ModelConfig.safeParse({
    id: "eval",
    baseUrl: options.baseUrl,
    model: options.model,
    apiKeyEnv: options.apiKeyEnv,
    maxConcurrency: options.concurrency,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    maxRetries: options.maxRetries,
  });
  if (!config.success) {
    const issues = config.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(
      `evaluation model settings are invalid (${issues}); check --model, --base-url and --max-tokens`,
    );
  }
  return new OpenAIChatModel(config.data, deps);
}
