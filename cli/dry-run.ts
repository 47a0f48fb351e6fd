import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Topology } from "../config/topology.ts";
import type { RunReport, UsageRow } from "../curation/run-report.ts";
import type { Logger } from "../log/logger.ts";
import { startSimulator } from "../packages/sim/src/index.ts";
import type { PreparedTopology } from "../runner/prepare-topology.ts";
import { runSession } from "../runner/run-session.ts";
import { ProgressLine } from "../terminal/progress.ts";

export interface CostEstimate {
  sampleRounds: number;
  sampleAccepted: number;
  acceptanceRate: number;
  target: number;
  estimatedRounds: number | undefined;
  /** Usage per model and role, scaled from the sample to the whole run. */
  usage: UsageRow[];
  estimatedTokens: number | undefined;
  estimatedCostUsd: number | undefined;
  sample: RunReport;
}

/**
 * The same topology with every model served by a private simulator, on an embedded NATS server in a scratch
 * folder: a dry run never reaches a real endpoint, a shared NATS server or the real runs folder. Its answers are
 * never cached: the private simulator's address changes every time, so nothing could hit them, and a sample
 * served from a cache would estimate nothing.
 */
function dryTopology(topology: Topology, simUrl: string, outDir: string, rounds: number): Topology {
  return {
    ...topology,
    models: topology.models.map(({ apiKeyEnv: _, ...model }) => ({ ...model, baseUrl: simUrl })),
    run: { ...topology.run, outDir, maxRounds: rounds, budget: undefined },
    nats: { replicas: 1 },
    simulator: undefined,
    responseCache: { enabled: false },
  };
}

/** Scales a sample run's usage to the rounds the target needs, pricing it with the topology's prices. */
export function estimateFromSample(report: RunReport, target: number): CostEstimate {
  const acceptanceRate = report.rounds > 0 ? report.accepted / report.rounds : 0;
  const estimatedRounds = acceptanceRate > 0 ? Math.ceil(target / acceptanceRate) : undefined;
  const scale =
    estimatedRounds !== undefined && report.rounds > 0 ? estimatedRounds / report.rounds : undefined;
  const usage = report.usage.map((row) => ({
    ...row,
    calls: scale === undefined ? row.calls : Math.round(row.calls * scale),
    promptTokens: scale === undefined ? row.promptTokens : Math.round(row.promptTokens * scale),
    completionTokens: scale === undefined ? row.completionTokens : Math.round(row.completionTokens * scale),
    costUsd: scale === undefined || row.costUsd === undefined ? row.costUsd : row.costUsd * scale,
  }));
  const costs = usage.map((u) => u.costUsd).filter((c): c is number => c !== undefined);
  return {
    sampleRounds: report.rounds,
    sampleAccepted: report.accepted,
    acceptanceRate,
    target,
    estimatedRounds,
    usage,
    estimatedTokens:
      scale === undefined ? undefined : usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0),
    estimatedCostUsd:
      scale === undefined || costs.length === 0 ? undefined : costs.reduce((a, b) => a + b, 0),
    sample: report,
  };
}

/**
 * The sample's own log: its run starts and ends in a scratch folder, which is nothing to tell the user about;
 * warnings still show, and with --verbose everything does.
 */
function sampleLogger(logger: Logger): Logger {
  const atInfo = logger.isLevelEnabled("info") && !logger.isLevelEnabled("debug");
  return atInfo ? logger.child({ dryRun: true }, { level: "warn" }) : logger;
}

/** Runs a short simulated sample of the topology and extrapolates the cost of the whole run. */
export async function dryRun(
  prepared: PreparedTopology,
  rounds: number,
  logger: Logger,
): Promise<CostEstimate> {
  const { topology } = prepared;
  // The topology's own simulator when it has one (its block was checked when the topology was prepared).
  const simulator = prepared.simulator ?? (await startSimulator({}, { logger }));
  const scratch = await mkdtemp(join(tmpdir(), "nanoflux-dry-run-"));
  try {
    const { NATS_URL: _, ...env } = prepared.env;
    const result = await runSession({
      prepared: { ...prepared, topology: dryTopology(topology, simulator.url, scratch, rounds), env },
      logger: sampleLogger(logger),
      progress: new ProgressLine({ label: "dry run", rounds }),
    });
    return estimateFromSample(result.report, topology.curation.target);
  } finally {
    if (!prepared.simulator) await simulator.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
