import { type Simulator, type SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import type { SimulatorStats } from "../../packages/sim/src/stats.ts";
import { EMBEDDINGS, simulatorFor } from "./topology.ts";

/** A fresh simulator for one measured run (same seed each time), closed afterwards. */
export async function withSimulator<T>(
  config: SimulatorConfig,
  work: (sim: Simulator) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator(config);
  try {
    return await work(sim);
  } finally {
    await sim.close();
  }
}

/** Chat completions the simulator answered (not requests it turned away as overloaded, nor embeddings). */
export function servedCalls(stats: SimulatorStats): number {
  return Object.entries(stats.byRole).reduce((n, [role, calls]) => (role === "embedding" ? n : n + calls), 0);
}

/**
 * With `wanted`, a second simulator as the Curator's embeddings endpoint (its URL goes to the topology): the
 * default local embedder computes on the event loop that every agent of an in-process run shares.
 */
export function withEmbeddingsEndpoint<T>(
  wanted: boolean,
  work: (url: string | undefined) => Promise<T>,
): Promise<T> {
  return wanted ? withSimulator(simulatorFor([EMBEDDINGS]), (sim) => work(sim.url)) : work(undefined);
}
