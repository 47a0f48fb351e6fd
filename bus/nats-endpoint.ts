import { join, resolve } from "node:path";
import type { Topology } from "../config/topology.ts";
import { ConfigError } from "../protocol/errors.ts";
import { attachFolderServer, hasStore } from "./folder-server.ts";

export interface NatsEndpoint {
  url: string;
  /** Leaves an embedded server (the last process to leave stops it); nothing for a given NATS_URL. */
  release(): Promise<void>;
}

function storeDir(outDir: string): string {
  return join(resolve(outDir), ".nats");
}

const given = (url: string): NatsEndpoint => ({ url, release: async () => {} });

/**
 * NATS_URL (or nats.url in the topology) when given; otherwise the embedded server of the runs folder, shared
 * with every other process working on that folder (`tap`, `standings`, the dashboard, another run).
 */
export async function natsEndpoint(topology: Topology, env: NodeJS.ProcessEnv): Promise<NatsEndpoint> {
  const url = env.NATS_URL || topology.nats.url;
  if (url) return given(url);
  return attachFolderServer(storeDir(topology.run.outDir));
}

/**
 * For commands that read runs: NATS_URL, else the embedded server of `outDir` (started on its data to replay
 * finished runs when none is live). For a one-off read, a folder where no run ever was is an input mistake, not
 * a store to create; a watcher (the dashboard) may be started before the first run and creates it.
 */
export async function readerEndpoint(
  outDir: string,
  env: NodeJS.ProcessEnv,
  options: { watch?: boolean } = {},
): Promise<NatsEndpoint> {
  if (env.NATS_URL) return given(env.NATS_URL);
  const dir = storeDir(outDir);
  if (!options.watch && !(await hasStore(dir)))
    throw new ConfigError(
      `no runs under ${resolve(outDir)} (it has no .nats store): pass --out <the runs folder> or set NATS_URL`,
    );
  return attachFolderServer(dir);
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `run-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
