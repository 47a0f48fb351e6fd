import { readFile, writeFile } from "node:fs/promises";
import { Socket } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";
import { type EmbeddedNats, startEmbeddedNats } from "../bus/embedded-server.ts";
import type { Topology } from "../config/topology.ts";

export interface NatsEndpoint {
  url: string;
  embedded?: EmbeddedNats;
}

const SERVER_FILE = "server.json";
const ServerFile = z.object({ url: z.string(), pid: z.number() });

function storeDir(outDir: string): string {
  return join(resolve(outDir), ".nats");
}

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^nats:/, "http:"));
  return new Promise((done) => {
    const socket = new Socket();
    socket.setTimeout(1000, () => {
      socket.destroy();
      done(false);
    });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
    socket.connect(Number(port), hostname);
  });
}

/**
 * NATS_URL (or nats.url in the topology) when given; otherwise an embedded server with data under the runs
 * folder, whose address is written there so `tap`, `standings` and `export` can find a live run.
 */
export async function natsEndpoint(topology: Topology, env: NodeJS.ProcessEnv): Promise<NatsEndpoint> {
  const url = env.NATS_URL || topology.nats.url;
  if (url) return { url };
  const dir = storeDir(topology.run.outDir);
  const embedded = await startEmbeddedNats({ storeDir: dir });
  await writeFile(join(dir, SERVER_FILE), JSON.stringify({ url: embedded.url, pid: process.pid }));
  return { url: embedded.url, embedded };
}

/**
 * For commands that read runs: NATS_URL, else the embedded server of a live run under `outDir`, else an
 * embedded server started on that folder's data to replay finished runs.
 */
export async function readerEndpoint(outDir: string, env: NodeJS.ProcessEnv): Promise<NatsEndpoint> {
  if (env.NATS_URL) return { url: env.NATS_URL };
  const dir = storeDir(outDir);
  const text = await readFile(join(dir, SERVER_FILE), "utf8").catch(() => "null");
  const live = ServerFile.safeParse(JSON.parse(text));
  if (live.success && (await reachable(live.data.url))) return { url: live.data.url };
  const embedded = await startEmbeddedNats({ storeDir: dir });
  return { url: embedded.url, embedded };
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `run-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}
