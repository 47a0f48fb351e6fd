import type { CurationConfig, ModelConfig } from "../../config/topology.ts";
import { ConfigError } from "../../protocol/errors.ts";
import type { Embedder } from "../embedder.ts";
import { createLocalEmbedder, LOCAL_EMBEDDER_NAME } from "./local-use.ts";
import { createOpenAIEmbedder } from "./openai-embedder.ts";

export interface EmbedderDeps {
  /** The topology's models: `curation.embedder.model` names one of them for kind "openai". */
  models: ModelConfig[];
  env?: NodeJS.ProcessEnv;
}

/** The embedder `curation.embedder` configures (wrap it in a CachedEmbedder to embed each text once). */
export async function createEmbedder(
  config: CurationConfig["embedder"],
  deps: EmbedderDeps,
): Promise<Embedder> {
  if (config.kind === "local") {
    if (config.model !== undefined && config.model !== LOCAL_EMBEDDER_NAME) {
      throw new ConfigError(
        `curation.embedder.model: the local embedder has one model, "${LOCAL_EMBEDDER_NAME}"; remove "model" or ` +
          "set kind: openai to use an embeddings endpoint",
      );
    }
    return createLocalEmbedder();
  }
  const known = deps.models.map((m) => m.id).join(", ");
  if (!config.model) {
    throw new ConfigError(
      `curation.embedder.model: kind "openai" needs the id of a model entry serving embeddings (known: ${known})`,
    );
  }
  const model = deps.models.find((m) => m.id === config.model);
  if (!model) {
    throw new ConfigError(`curation.embedder.model: unknown model "${config.model}"; known: ${known}`);
  }
  return createOpenAIEmbedder({ model, env: deps.env });
}
