import type { CurationConfig, ModelConfig } from "../../config/topology.ts";
import { ConfigError } from "../../core/errors.ts";
import type { Embedder } from "../embedder.ts";
import { CachedEmbedder } from "./cached-embedder.ts";
import { createLocalEmbedder, LOCAL_EMBEDDER_NAME } from "./local-use.ts";
import { createOpenAIEmbedder } from "./openai-embedder.ts";

export interface EmbedderDeps {
  /** The topology's models: `curation.embedder.model` names one of them for kind "openai". */
  models: ModelConfig[];
  env?: NodeJS.ProcessEnv;
  /** Where to persist the embedding cache (e.g. `<runDir>/embeddings.cache`); in memory only when absent. */
  cacheFile?: string;
}

/** The configured embedder, behind a content-hash cache. */
export async function createEmbedder(config: CurationConfig["embedder"], deps: EmbedderDeps): Promise<CachedEmbedder> {
  return CachedEmbedder.open(await createUncachedEmbedder(config, deps), { file: deps.cacheFile });
}

async function createUncachedEmbedder(config: CurationConfig["embedder"], deps: EmbedderDeps): Promise<Embedder> {
  if (config.kind === "local") {
    if (config.model !== undefined && config.model !== LOCAL_EMBEDDER_NAME) {
      throw new ConfigError(
        `curation.embedder.model: the local embedder has one model, "${LOCAL_EMBEDDER_NAME}"; remove "model" or ` +
          'set kind: openai to use an embeddings endpoint',
      );
    }
    return createLocalEmbedder();
  }
  const known = deps.models.map((m) => m.id).join(", ");
  if (!config.model) {
    throw new ConfigError(`curation.embedder.model: kind "openai" needs the id of a model entry serving embeddings (known: ${known})`);
  }
  const model = deps.models.find((m) => m.id === config.model);
  if (!model) {
    throw new ConfigError(`curation.embedder.model: unknown model "${config.model}"; known: ${known}`);
  }
  return createOpenAIEmbedder({ model, env: deps.env });
}
