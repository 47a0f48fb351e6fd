/**
 * Utilisation of a rate-limited model endpoint. The simulator answers after ~latency ms (±25%, no token
 * pacing) and serves at most C requests at once; the topology's one model (it attacks, defends and judges)
 * may send C at once; the scheduler keeps `inFlight` rounds open. Ideal: C slots busy all the time, so
 * C / (calls per round x latency) rounds per second, calls per round counted at the simulator. Also reported,
 * over the same steady-state window: how many completions were in service on average (over C), how long
 * each took from request to response, how busy this process's event loop was, and (over the whole run) the
 * 99th percentile of its lag.
 *
 * `--endpointEmbedder` serves the curator's embeddings from a second simulator (an embeddings endpoint)
 * instead of the default local embedder, which runs on the event loop.
 *
 *   node bin/run-ts.mjs bench/utilisation.ts [--concurrency 8] [--inFlight 32] [--rounds 300] [--latency 300]
 *     [--endpointEmbedder]
 */
import { BusyMeter } from "./support/busy-meter.ts";
import { flags, isMain, printJson } from "./support/cli.ts";
import { roundRates } from "./support/rates.ts";
import { runTimedSession } from "./support/session.ts";
import { servedCalls, withEmbeddingsEndpoint, withSimulator } from "./support/simulator.ts";
import { simulatorFor, withBenchTopology } from "./support/topology.ts";

export interface UtilisationOptions {
  concurrency: number;
  inFlight: number;
  rounds: number;
  latency: number;
  endpointEmbedder: boolean;
}

export interface UtilisationResult extends UtilisationOptions {
  callsPerRound: number;
  idealPerSecond: number;
  steadyPerSecond: number;
  /** steadyPerSecond / idealPerSecond. Goal: >= 0.95. */
  utilisation: number;
  /** Mean completions in service over C. */
  endpointBusy: number;
  meanServiceMs: number;
  eventLoopBusy: number;
  loopDelayP99Ms: number;
  peakInService: number;
  turnedAway: number;
  wallSeconds: number;
}

const PLAYERS = [{ id: "solo", skill: 0.85 }];

async function measureWith(options: UtilisationOptions, embeddingsUrl?: string): Promise<UtilisationResult> {
  const simulator = simulatorFor(PLAYERS, {
    latencyMs: options.latency,
    maxConcurrency: options.concurrency,
  });
  return withSimulator(simulator, (sim) => {
    const topology = {
      baseUrl: sim.url,
      players: PLAYERS,
      maxConcurrency: options.concurrency,
      embeddingsUrl,
      run: { concurrency: options.inFlight, maxRounds: options.rounds },
    };
    return withBenchTopology(topology, async (file) => {
      const meter = new BusyMeter().start();
      const { report, closedAt, startedAt } = await runTimedSession(file).finally(() => meter.stop());
      const rates = roundRates(closedAt, startedAt, options.inFlight);
      const load = meter.window(rates.windowFrom, rates.windowTo);
      const stats = sim.stats();
      const callsPerRound = servedCalls(stats) / report.rounds;
      const idealPerSecond = options.concurrency / (callsPerRound * (options.latency / 1000));
      return {
        ...options,
        callsPerRound,
        idealPerSecond,
        steadyPerSecond: rates.steadyPerSecond,
        utilisation: rates.steadyPerSecond / idealPerSecond,
        endpointBusy: load.meanInService / options.concurrency,
        meanServiceMs: load.meanServiceMs,
        eventLoopBusy: load.eventLoopBusy,
        loopDelayP99Ms: meter.loopDelayP99Ms,
        peakInService: meter.peak,
        turnedAway: stats.faults.overloaded,
        wallSeconds: rates.wallSeconds,
      };
    });
  });
}

export function measureUtilisation(options: UtilisationOptions): Promise<UtilisationResult> {
  return withEmbeddingsEndpoint(options.endpointEmbedder, (url) => measureWith(options, url));
}

if (isMain(import.meta.url)) {
  const result = await measureUtilisation(
    flags({ concurrency: 8, inFlight: 32, rounds: 300, latency: 300, endpointEmbedder: false }),
  );
  printJson({ ...result, goal: ">= 0.95", met: result.utilisation >= 0.95 });
}
