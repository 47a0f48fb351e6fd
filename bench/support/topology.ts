import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { SimulatorConfig } from "../../packages/sim/src/index.ts";

/**
 * Topologies for benchmark runs, written to a fresh temp folder that the run's data goes under too. The bench
 * starts the simulator itself, so it can read its counters and put a proxy in front of it; models point at
 * `baseUrl`.
 */

export interface Player {
  /** Topology model id; the simulated model is `sim-<id>`. */
  id: string;
  skill: number;
}

/** The demo's cast: two players that swap roles and a stronger judge. */
export const DEMO_PLAYERS: readonly Player[] = [
  { id: "alpha", skill: 0.85 },
  { id: "beta", skill: 0.6 },
  { id: "judge", skill: 0.95 },
];

/** A simulator serves embeddings too: hashed n-gram vectors, cheap to compute. */
export const EMBEDDINGS: Player = { id: "embeddings", skill: 1 };

export const ALL_LEVELS = ["L1", "L2", "L3", "L4", "L5"];

export interface BenchTopologyOptions {
  /** Endpoint every model uses: the simulator's URL, or a proxy's. */
  baseUrl: string;
  /** The last one judges; the others play Attacker and Defender (a single player does all three). */
  players?: readonly Player[];
  maxConcurrency: number;
  /** An embeddings endpoint for the Curator instead of the default local embedder. */
  embeddingsUrl?: string;
  run: Record<string, unknown>;
  curation?: Record<string, unknown>;
  /** Agents after the scheduler and the four built-in roles (plug-ins). */
  extraAgents?: Record<string, unknown>[];
  /** Per built-in agent type, `options.routes` to splice a plug-in into the round. */
  routes?: Record<string, Record<string, string>>;
}

/** The simulator settings for a cast of players. */
export function simulatorFor(
  players: readonly Player[],
  extra: Partial<SimulatorConfig> = {},
): SimulatorConfig {
  return {
    port: 0,
    seed: 7,
    benchmarks: [],
    latencyMs: 0,
    faults: { rate429: 0, rate500: 0, rateTimeout: 0, rateMalformed: 0 },
    ...extra,
    models: players.map((p) => ({ name: `sim-${p.id}`, skill: p.skill })),
  };
}

/** Writes the topology, hands its file to `work`, then removes the folder with everything the run left. */
export async function withBenchTopology<T>(
  options: BenchTopologyOptions,
  work: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "nf-bench-"));
  try {
    const file = join(dir, "topology.yaml");
    await writeFile(file, stringify(benchTopology(options, join(dir, "runs"))));
    return await work(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function benchTopology(options: BenchTopologyOptions, outDir: string): Record<string, unknown> {
  const players = options.players ?? DEMO_PLAYERS;
  const judge = players.at(-1)?.id;
  const contestants = players.filter((p) => p.id !== judge || players.length === 1).map((p) => p.id);
  const agent = (type: string, extra: Record<string, unknown> = {}) => ({
    type,
    ...(options.routes?.[type] ? { options: { routes: options.routes[type] } } : {}),
    ...extra,
  });
  return {
    name: "bench",
    models: [
      ...players.map((p) => ({
        id: p.id,
        baseUrl: options.baseUrl,
        model: `sim-${p.id}`,
        maxConcurrency: options.maxConcurrency,
      })),
      ...(options.embeddingsUrl
        ? [{ id: EMBEDDINGS.id, baseUrl: options.embeddingsUrl, model: `sim-${EMBEDDINGS.id}` }]
        : []),
    ],
    agents: [
      { type: "scheduler" },
      agent("attacker"),
      agent("defender"),
      agent("judge", { model: judge }),
      agent("curator"),
      ...(options.extraAgents ?? []),
    ],
    tournament: { models: contestants },
    run: { domains: ["math"], outDir, ...options.run },
    curation: {
      target: 1_000_000,
      levels: ALL_LEVELS,
      ...(options.embeddingsUrl ? { embedder: { kind: "openai", model: EMBEDDINGS.id } } : {}),
      ...options.curation,
    },
  };
}
