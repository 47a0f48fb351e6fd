import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { CurationConfig, ModelConfig } from "../config/topology.ts";
import type { SharedDocument } from "../core/shared-document.ts";
import { type Logger, silentLogger } from "../log/logger.ts";
import { Decontaminator } from "./decontamination.ts";
import { CachedEmbedder } from "./embedders/cached-embedder.ts";
import { createEmbedder } from "./embedders/create-embedder.ts";
import { LanceQuestionStore } from "./lance-question-store.ts";
import { type NoveltyBook, NoveltyGate } from "./novelty.ts";

/**
 * Everything the Curator's gates need, opened from the topology's `curation` section: one cached embedder
 * shared by the novelty gate and decontamination (a question is embedded once for both), the question store,
 * and the benchmark index.
 */

export interface CurationDeps {
  config: CurationConfig;
  /** The run's folder: the store (unless curation.storePath) and the embedding cache live here. */
  runDir: string;
  models: ModelConfig[];
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Benchmark vectors shared by runs; default `.nanoflux/cache/benchmark-vectors`. */
  benchmarkCacheDir?: string;
  /** Where benchmark names (gsm8k, ...) are found; default the evaluation's benchmarks folder. */
  benchmarksDir?: string;
  /** The run's novelty book, shared by every curator replica (default: this process only). */
  book?: SharedDocument<NoveltyBook>;
  /** Resolves once the store holds every question any replica kept before the call (see NoveltyGate). */
  storeCaughtUp?: () => Promise<void>;
  /** How long a reservation holds (see NoveltyGate); at least as long as a round may take. */
  reservationTtlMs?: number;
}

export interface Curation {
  embedder: CachedEmbedder;
  store: LanceQuestionStore;
  novelty: NoveltyGate;
  decontamination: Decontaminator;
  /** Writes buffered questions and releases the store and caches. */
  close(): Promise<void>;
}

export const DEFAULT_BENCHMARK_CACHE_DIR = join(".nanoflux", "cache", "benchmark-vectors");

export async function openCuration(deps: CurationDeps): Promise<Curation> {
  const { config, runDir } = deps;
  const logger = deps.logger ?? silentLogger();
  await mkdir(runDir, { recursive: true });
  const raw = await createEmbedder(config.embedder, { models: deps.models, env: deps.env });
  const embedder = await CachedEmbedder.open(raw, { file: join(runDir, "embeddings.cache") });
  const decontamination = await Decontaminator.open({
    config: config.decontamination,
    embedder,
    // Benchmark items go straight to their own cache, not into the run's.
    benchmarkEmbedder: raw,
    cacheDir: deps.benchmarkCacheDir ?? DEFAULT_BENCHMARK_CACHE_DIR,
    benchmarksDir: deps.benchmarksDir,
    logger,
  });
  const store = await LanceQuestionStore.open({
    path: config.storePath ?? join(runDir, "questions.lance"),
    dims: embedder.dims,
    embedder: embedder.name,
    logger,
  });
  const novelty = new NoveltyGate({
    embedder,
    store,
    threshold: config.noveltyThreshold,
    screenReplays: config.screenReplays,
    book: deps.book,
    storeCaughtUp: deps.storeCaughtUp,
    reservationTtlMs: deps.reservationTtlMs,
  });
  return {
    embedder,
    store,
    novelty,
    decontamination,
    close: async () => {
      decontamination.close();
      await store.close();
    },
  };
}
