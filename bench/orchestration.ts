/**
 * Orchestration overhead: rounds per second through the whole agent system (runSession: embedded
 * nats-server, every agent as an XState machine behind a durable consumer) against a plain in-process loop
 * that makes the same model calls with no bus and no machines (support/plain-loop.ts). Both use a fresh
 * simulator at zero latency with the same seed, the demo's three models, the same concurrency and rounds.
 * Trials alternate which contender goes first; the ratio is of the medians.
 *
 * `--endpointEmbedder` serves the Curator's embeddings from an endpoint for both contenders, so the local
 * embedder's compute (the largest cost per round at zero latency) does not hide the bus's.
 *
 *   node bin/run-ts.mjs bench/orchestration.ts [--rounds 80] [--concurrency 8] [--trials 3] [--endpointEmbedder]
 */

import { prepareTopology } from "../cli/prepare-topology.ts";
import { buildRunReport } from "../curation/run-report.ts";
import { silentLogger } from "../log/logger.ts";
import { BusyMeter } from "./support/busy-meter.ts";
import { flags, isMain, printJson } from "./support/cli.ts";
import { exitedChildrenCpuMs } from "./support/cpu.ts";
import { runPlainLoop } from "./support/plain-loop.ts";
import { roundRates } from "./support/rates.ts";
import { runTimedSession } from "./support/session.ts";
import { servedCalls, withEmbeddingsEndpoint, withSimulator } from "./support/simulator.ts";
import { DEMO_PLAYERS, simulatorFor, withBenchTopology } from "./support/topology.ts";
import { alternateTrials, medianOf, type Trial, trialRatios } from "./support/trials.ts";

export interface OrchestrationOptions {
  rounds: number;
  concurrency: number;
  trials: number;
  /** Curator embeddings from an endpoint rather than the local embedder (see support/simulator.ts). */
  endpointEmbedder: boolean;
}

type Contender = "system" | "plain";
const CONTENDERS = ["system", "plain"] as const;

export interface ContenderRun extends Trial<Contender> {
  rounds: number;
  steadyPerSecond: number;
  overallPerSecond: number;
  wallSeconds: number;
  /** Share of the steady-state window this process's event loop was running code. */
  eventLoopBusy: number;
  /** Main-thread CPU per round in the steady-state window: what limits the rate once the loop is full. */
  mainThreadCpuMsPerRound: number;
  /** The embedded nats-server's CPU (start-up included) per round; 0 for the plain loop. */
  natsCpuMsPerRound: number;
  accepted: number;
  rejected: number;
  failed: number;
  callsPerRound: number;
  tokensPerRound: number;
}

export interface OrchestrationResult {
  options: OrchestrationOptions;
  runs: ContenderRun[];
  systemPerSecond: number;
  plainPerSecond: number;
  /** Median steady-state rate of the system over the plain loop's. Goal: >= 0.5. */
  ratio: number;
  trialRatios: number[];
  /** Plain loop's main-thread CPU per round over the system's, medians: the rate ratio on an idle machine. */
  cpuRatio: number;
}

async function runPlain(file: string, rounds: number) {
  const prepared = await prepareTopology(file, {}, silentLogger());
  const plain = await runPlainLoop(prepared, rounds);
  const { curation } = prepared.topology;
  return { ...plain, report: buildRunReport("plain", curation, plain.closed, undefined, plain.usage) };
}

async function runContender(
  contender: Contender,
  trial: number,
  options: OrchestrationOptions,
  embeddingsUrl: string | undefined,
) {
  return withSimulator(simulatorFor(DEMO_PLAYERS), (sim) => {
    const topology = {
      baseUrl: sim.url,
      embeddingsUrl,
      maxConcurrency: options.concurrency,
      run: { concurrency: options.concurrency, maxRounds: options.rounds },
    };
    return withBenchTopology(topology, async (file): Promise<ContenderRun> => {
      const meter = new BusyMeter().start();
      const childrenCpuBefore = exitedChildrenCpuMs();
      const timed = await (contender === "system"
        ? runTimedSession(file)
        : runPlain(file, options.rounds)
      ).finally(() => meter.stop());
      const { report } = timed;
      const rates = roundRates(timed.closedAt, timed.startedAt, options.concurrency);
      const load = meter.window(rates.windowFrom, rates.windowTo);
      return {
        contender,
        trial,
        rounds: rates.rounds,
        steadyPerSecond: rates.steadyPerSecond,
        overallPerSecond: rates.overallPerSecond,
        wallSeconds: rates.wallSeconds,
        eventLoopBusy: load.eventLoopBusy,
        mainThreadCpuMsPerRound: (load.mainThreadCpu * 1000) / rates.steadyPerSecond,
        natsCpuMsPerRound: (exitedChildrenCpuMs() - childrenCpuBefore) / report.rounds,
        accepted: report.accepted,
        rejected: report.rejected,
        failed: report.failed,
        callsPerRound: servedCalls(sim.stats()) / report.rounds,
        tokensPerRound: report.totalTokens / report.rounds,
      };
    });
  });
}

export async function measureOrchestration(
  options: OrchestrationOptions,
  onRun: (run: ContenderRun) => void = () => {},
): Promise<OrchestrationResult> {
  const runs = await withEmbeddingsEndpoint(options.endpointEmbedder, (embeddingsUrl) =>
    alternateTrials(
      CONTENDERS,
      options.trials,
      (contender, trial) => runContender(contender, trial, options, embeddingsUrl),
      onRun,
    ),
  );
  const rate = (c: Contender) => medianOf(runs, c, (r) => r.steadyPerSecond);
  const cpu = (c: Contender) => medianOf(runs, c, (r) => r.mainThreadCpuMsPerRound);
  return {
    options,
    runs,
    systemPerSecond: rate("system"),
    plainPerSecond: rate("plain"),
    ratio: rate("system") / rate("plain"),
    trialRatios: trialRatios(runs, CONTENDERS, (r) => r.steadyPerSecond),
    cpuRatio: cpu("plain") / cpu("system"),
  };
}

if (isMain(import.meta.url)) {
  const options = flags({ rounds: 80, concurrency: 8, trials: 3, endpointEmbedder: false });
  const result = await measureOrchestration(options, printJson);
  printJson({
    systemRoundsPerSecond: result.systemPerSecond,
    plainRoundsPerSecond: result.plainPerSecond,
    ratio: result.ratio,
    trialRatios: result.trialRatios,
    cpuRatio: result.cpuRatio,
    goal: ">= 0.5",
    met: result.ratio >= 0.5,
  });
}
