import type { NatsConnection } from "@nats-io/nats-core";
import { ConfigError } from "../protocol/errors.ts";
import type { TrainingBackendName } from "../protocol/training.ts";
import type { TrainingBackend } from "./backend.ts";
import { GpuHostsBackend } from "./gpu-hosts-backend.ts";
import { OpenAIFineTuningBackend } from "./openai-backend.ts";

export interface BackendSettings {
  backend: TrainingBackendName;
  baseModel: string;
  /** OpenAI-compatible fine-tuning API root (openai backend). */
  baseUrl?: string;
  apiKeyEnv?: string;
  producer: string;
}

/** The backend a setting names; GPU hosts need a NATS connection. */
export async function createBackend(
  settings: BackendSettings,
  deps: { env: NodeJS.ProcessEnv; nats?: NatsConnection; natsReplicas?: number },
): Promise<TrainingBackend> {
  if (settings.backend === "openai") {
    if (!settings.baseUrl) {
      throw new ConfigError(
        "the openai training backend needs the fine-tuning API's base URL: give --base-url (or baseUrl)",
      );
    }
    return new OpenAIFineTuningBackend({ ...settings, baseUrl: settings.baseUrl, env: deps.env });
  }
  if (!deps.nats)
    throw new ConfigError("the gpu-hosts training backend needs NATS: give --nats <url> or set NATS_URL");
  return GpuHostsBackend.open(deps.nats, settings, deps.natsReplicas);
}
