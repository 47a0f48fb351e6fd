import { join, resolve } from "node:path";
import { type EmbeddedNats, startEmbeddedNats } from "../bus/embedded-server.ts";
import type { Topology } from "../config/topology.ts";

export interface NatsEndpoint {
  url: string;
  embedded?: EmbeddedNats;
}

/** NATS_URL (or nats.url in the topology) when given; otherwise an embedded server with data under the runs folder. */
export async function natsEndpoint(topology: Topology, env: NodeJS.ProcessEnv): Promise<NatsEndpoint> {
  const url = env.NATS_URL || topology.nats.url;
  if (url) return { url };
  const embedded = await startEmbeddedNats({ storeDir: join(resolve(topology.run.outDir), ".nats") });
  return { url: embedded.url, embedded };
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `run-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
