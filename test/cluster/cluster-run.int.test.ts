import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type NatsCluster, startNatsCluster } from "../../bus/cluster.ts";
import { newRunId } from "../../bus/nats-endpoint.ts";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { Sample } from "../../protocol/schemas.ts";
import { runSession } from "../../runner/run-session.ts";
import { waitFor } from "../support/nats.ts";
import { expectTargetMet } from "../support/run-audit.ts";

const CLUSTER_TOPOLOGY = join(import.meta.dirname, "../../topologies/cluster.yaml");
const Connz = z.looseObject({ num_connections: z.number() });

async function clientConnections(monitorUrl: string): Promise<number> {
  const parsed = Connz.safeParse(await (await fetch(`${monitorUrl}/connz`)).json());
  if (!parsed.success) throw new Error(`unexpected /connz reply: ${parsed.error.message}`);
  return parsed.data.num_connections;
}

async function datasetLines(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
  return text.split("\n").filter(Boolean);
}

/**
 * Agents, the run's event follower and the coordinator connect with every node in NATS_URL; the client picks
 * one at random, so they spread over the cluster. Losing a node then tests what a production cluster must
 * survive: clients failing over, stream and consumer leaders re-elected, messages in flight redelivered, and
 * the acceptance ledger (compare-and-set on an R3 bucket) still capping the dataset at its target.
 */
describe("a run on a three-node NATS cluster with R3 streams", () => {
  let dir: string;
  let cluster: NatsCluster;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-cluster-"));
    cluster = await startNatsCluster({ dir: join(dir, "nats") });
  });

  afterAll(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("reaches its target, without duplicates, when a node stops mid-run", async () => {
    const target = 10;
    const env = { ...process.env, NATS_URL: cluster.url };
    const prepared = await prepareTopology(
      CLUSTER_TOPOLOGY,
      { target, outDir: join(dir, "runs") },
      silentLogger(),
      env,
    );
    expect(prepared.topology.nats.replicas).toBe(3);
    const runId = newRunId();
    const datasetPath = join(dir, "runs", runId, "dataset.jsonl");
    try {
      let settled = false;
      const run = runSession({ prepared, logger: silentLogger(), runId }).finally(() => {
        settled = true;
      });
      const started = async () => settled || (await datasetLines(datasetPath)).length >= 3;
      await waitFor(started, 30_000, "3 accepted samples");

      // Stop the node most agents talk to: its clients must fail over, and any leader it held is re-elected.
      const counts = await Promise.all(cluster.nodes.map((n) => clientConnections(n.monitorUrl)));
      const busiest = counts.indexOf(Math.max(...counts));
      expect(counts[busiest]).toBeGreaterThan(0);
      await cluster.nodes[busiest]?.stop();

      const result = await run;
      expect(result.report.status).toBe("target_reached");
      const { accepted } = result.report;
      expectTargetMet(accepted, target, prepared.topology.run.concurrency);
      const samples = (await datasetLines(result.datasetPath)).map((line) => Sample.parse(JSON.parse(line)));
      expect(samples).toHaveLength(accepted);
      expect(new Set(samples.map((s) => s.roundId)).size).toBe(accepted);
      expect(new Set(samples.map((s) => s.question.text)).size).toBe(accepted);
    } finally {
      await prepared.simulator?.close();
    }
  }, 60_000);
});
