/**
 * A three-node nats-server cluster with clustered JetStream on this machine, to try a run on a cluster:
 *   node bin/run-ts.mjs scripts/local-cluster.ts [data folder]     # prints NATS_URL=..., runs until Ctrl-C
 *   NATS_URL=<printed list> npx nanoflux up topologies/cluster.yaml
 * Stop one node (its pid is printed) mid-run to watch the run carry on.
 */
import { resolve } from "node:path";
import { startNatsCluster } from "../bus/cluster.ts";
import { onStopSignal } from "../terminal/signals.ts";

const cluster = await startNatsCluster({ dir: resolve(process.argv[2] ?? ".nanoflux/cluster") });
process.stdout.write(`NATS_URL=${cluster.url}\n`);
for (const node of cluster.nodes) {
  process.stdout.write(`  ${node.name}: ${node.url}, pid ${node.pid}, monitoring ${node.monitorUrl}\n`);
}
await onStopSignal("stopping the cluster");
await cluster.stop();
