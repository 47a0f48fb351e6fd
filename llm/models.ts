import type { ModelConfig } from "../config/topology.ts";
import { urlForDisplay } from "../log/redaction.ts";
import { ConfigError } from "../protocol/errors.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { classifyFailure, endpointContext, failureToError } from "./endpoint-failure.ts";
import { createOpenAIClient } from "./openai-client.ts";
import { type ChatModelDeps, OpenAIChatModel } from "./openai-model.ts";

export type ChatModelsDeps = Omit<ChatModelDeps, "breaker">;

/** One client per topology model, keyed by model id; models on the same endpoint share its circuit breaker. */
export function createChatModels(models: ModelConfig[], deps: ChatModelsDeps): Map<string, OpenAIChatModel> {
  const breakers = new Map<string, CircuitBreaker>();
  const breakerFor = (endpoint: string): CircuitBreaker => {
    const breaker = breakers.get(endpoint) ?? new CircuitBreaker({ endpoint });
    breakers.set(endpoint, breaker);
    return breaker;
  };
  return new Map(
    models.map((model) => [
      model.id,
      new OpenAIChatModel(model, { ...deps, breaker: breakerFor(model.baseUrl) }),
    ]),
  );
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Asks the endpoint which models it serves (GET /models), to fail fast with a clear message before a run
 * starts. Returns the served model names. Servers that list nothing are taken at their word later.
 */
export async function probeModelEndpoint(
  model: ModelConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const client = createOpenAIClient(model, env);
  const timeoutMs = Math.min(model.timeoutMs, PROBE_TIMEOUT_MS);
  let served: string[];
  try {
    const page = await client.models.list({ timeout: timeoutMs });
    served = page.data.map((entry) => entry.id);
  } catch (err) {
    throw failureToError(classifyFailure(err, false), endpointContext(model, timeoutMs), 1);
  }
  // Ollama serves "llama3.1" as "llama3.1:latest".
  if (served.length > 0 && !served.includes(model.model) && !served.includes(`${model.model}:latest`)) {
    throw new ConfigError(
      `model "${model.id}": ${urlForDisplay(model.baseUrl)} does not serve "${model.model}"; it serves ${served.slice(0, 10).join(", ")}: ` +
        `fix "model" for "${model.id}" in the topology`,
    );
  }
  return served;
}
