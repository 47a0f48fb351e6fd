import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { errorMessage, SystemError } from "../protocol/errors.ts";
import { connectNats } from "./connection.ts";
import { type EmbeddedNats, freePort, startEmbeddedNats } from "./embedded-server.ts";

/**
 * A local nats-server cluster with clustered JetStream, on loopback: for tests of failover, and for trying
 * NanoFlux on a cluster (`NATS_URL=<url>` with `nats.replicas: 3`) without one at hand.
 */
export interface ClusterNode extends EmbeddedNats {
  /** server_name: what JetStream reports as a stream's leader or replica. */
  name: string;
  /** The node's monitoring endpoint (/varz, /connz, /jsz). */
  monitorUrl: string;
}

export interface NatsCluster {
  nodes: ClusterNode[];
  /** Every node's client URL, comma-separated: the form NATS_URL and nats.url take. */
  url: string;
  stop(): Promise<void>;
}

export interface NatsClusterOptions {
  /** Each node keeps its JetStream data in its own folder under this one. */
  dir: string;
  size?: number;
  startTimeoutMs?: number;
}

const PROBE_STREAM = "NANOFLUX_CLUSTER_PROBE";
/** Short, so a request lost during an election is retried soon instead of waiting the default 5 s. */
const PROBE_TIMEOUT_MS = 1000;

/** Free ports that are all different: picked one by one, the OS may hand back a port it just gave. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function startNode(
  options: NatsClusterOptions,
  index: number,
  ports: { client: number; route: number; monitor: number }[],
): Promise<ClusterNode> {
  const name = `nanoflux-${index + 1}`;
  const own = ports[index];
  if (!own) throw new SystemError(`no ports picked for cluster node ${index + 1}`);
  const routes = ports.filter((_, i) => i !== index).map((p) => `nats://127.0.0.1:${p.route}`);
  const node = await startEmbeddedNats({
    storeDir: join(options.dir, name),
    port: own.client,
    startTimeoutMs: options.startTimeoutMs,
    args: [
      "--server_name",
      name,
      "--cluster_name",
      "nanoflux",
      "--cluster",
      `nats://127.0.0.1:${own.route}`,
      "--routes",
      routes.join(","),
      "-m",
      String(own.monitor),
    ],
  });
  return { ...node, name, monitorUrl: `http://127.0.0.1:${own.monitor}` };
}

/** Retries `attempt` until it resolves: JetStream answers errors while the cluster elects its leaders. */
async function retryUntil<T>(attempt: () => Promise<T>, deadline: number, what: string): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) {
        const reason = `${what} did not succeed before the start timeout (${errorMessage(err)})`;
        throw new SystemError(`NATS cluster: ${reason}`, { cause: err });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Ready means what a run needs: every node answers JetStream requests (a meta leader is elected and known)
 * and a stream replicated on every node can be placed.
 */
async function waitForJetStream(cluster: NatsCluster, deadline: number): Promise<void> {
  for (const node of cluster.nodes) {
    const nc = await connectNats({ servers: node.url, name: `cluster-probe-${node.name}` });
    try {
      // Creating the manager asks for the account info: it fails until the node knows the meta leader.
      await retryUntil(
        () => jetstreamManager(nc, { timeout: PROBE_TIMEOUT_MS }),
        deadline,
        `JetStream on ${node.name}`,
      );
    } finally {
      await nc.close();
    }
  }
  const nc = await connectNats({ servers: cluster.url, name: "cluster-probe" });
  try {
    const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: PROBE_TIMEOUT_MS });
    const replicas = Math.min(cluster.nodes.length, 5);
    await retryUntil(
      () => jsm.streams.add({ name: PROBE_STREAM, num_replicas: replicas }),
      deadline,
      `placing an R${replicas} stream`,
    );
    await jsm.streams.delete(PROBE_STREAM);
  } finally {
    await nc.close();
  }
}

export async function startNatsCluster(options: NatsClusterOptions): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const picked = await distinctFreePorts(size * 3);
  const ports = Array.from({ length: size }, (_, i) => ({
    client: picked[i * 3] ?? 0,
    route: picked[i * 3 + 1] ?? 0,
    monitor: picked[i * 3 + 2] ?? 0,
  }));
  const started = await Promise.allSettled(ports.map((_, i) => startNode(options, i, ports)));
  const nodes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const cluster: NatsCluster = {
    nodes,
    url: nodes.map((n) => n.url).join(","),
    stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))),
  };
  const failed = started.find((s) => s.status === "rejected");
  try {
    if (failed) throw failed.reason;
    await waitForJetStream(cluster, deadline);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
