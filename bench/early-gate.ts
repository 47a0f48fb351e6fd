/**
 * Tokens per accepted sample with and without the early novelty gate, on a duplicate-heavy workload: a proxy
 * in front of the simulator answers `share` of attacker requests with an earlier attacker's question
 * (support/duplicate-proxy.ts). With the gate (the default topology) the Curator screens each proposed
 * question, so a duplicate dies before the Defender and the Judge spend tokens on it. Without it, a
 * pass-through plug-in (support/pass-through-screen.ts) stands in for that screening and duplicates are
 * caught only by the final check at acceptance. Both run to the same target on the same seeds; trials
 * alternate which goes first. Tokens are counted at the proxy: everything the endpoint was asked for.
 *
 *   node bin/run-ts.mjs bench/early-gate.ts [--target 30] [--share 0.5] [--concurrency 4] [--trials 3]
 */
import { fileURLToPath } from "node:url";
import { flags, isMain, printJson } from "./support/cli.ts";
import { startDuplicateProxy } from "./support/duplicate-proxy.ts";
import { PASS_THROUGH_TYPE, UNSCREENED_STAGE } from "./support/pass-through-screen.ts";
import { runTimedSession } from "./support/session.ts";
import { withSimulator } from "./support/simulator.ts";
import { DEMO_PLAYERS, simulatorFor, withBenchTopology } from "./support/topology.ts";
import { alternateTrials, medianOf, type Trial } from "./support/trials.ts";

export interface EarlyGateOptions {
  target: number;
  share: number;
  concurrency: number;
  trials: number;
}

type Variant = "gate" | "no-gate";

export interface VariantRun extends Trial<Variant> {
  accepted: number;
  rounds: number;
  duplicates: number;
  repeatedQuestions: number;
  tokens: number;
  tokensPerAccepted: number;
}

export interface EarlyGateResult {
  options: EarlyGateOptions;
  runs: VariantRun[];
  gateTokensPerAccepted: number;
  noGateTokensPerAccepted: number;
  /** 1 - gate / no-gate, of the medians. Goal: >= 0.30. */
  reduction: number;
}

const PASS_THROUGH_MODULE = fileURLToPath(new URL("./support/pass-through-screen.ts", import.meta.url));

/** Without the gate: the Attacker's questions go to the pass-through plug-in instead of the Curator. */
const WITHOUT_GATE = {
  routes: { attacker: { "question.proposed": UNSCREENED_STAGE } },
  extraAgents: [{ type: PASS_THROUGH_TYPE, module: PASS_THROUGH_MODULE }],
};

async function runVariant(variant: Variant, trial: number, options: EarlyGateOptions): Promise<VariantRun> {
  return withSimulator(simulatorFor(DEMO_PLAYERS), async (sim) => {
    const proxy = await startDuplicateProxy(sim.url, { share: options.share, seed: 1 });
    try {
      const topology = {
        baseUrl: proxy.url,
        maxConcurrency: options.concurrency,
        run: { concurrency: options.concurrency },
        curation: { target: options.target },
        ...(variant === "no-gate" ? WITHOUT_GATE : {}),
      };
      const { report } = await withBenchTopology(topology, runTimedSession);
      return {
        contender: variant,
        trial,
        accepted: report.accepted,
        rounds: report.rounds,
        duplicates: report.byReason.duplicate ?? 0,
        repeatedQuestions: proxy.repeated,
        tokens: proxy.tokens,
        tokensPerAccepted: proxy.tokens / report.accepted,
      };
    } finally {
      await proxy.close();
    }
  });
}

export async function measureEarlyGate(
  options: EarlyGateOptions,
  onRun: (run: VariantRun) => void = () => {},
): Promise<EarlyGateResult> {
  const runs = await alternateTrials(
    ["gate", "no-gate"],
    options.trials,
    (variant, trial) => runVariant(variant, trial, options),
    onRun,
  );
  const perAccepted = (v: Variant) => medianOf(runs, v, (r) => r.tokensPerAccepted);
  return {
    options,
    runs,
    gateTokensPerAccepted: perAccepted("gate"),
    noGateTokensPerAccepted: perAccepted("no-gate"),
    reduction: 1 - perAccepted("gate") / perAccepted("no-gate"),
  };
}

if (isMain(import.meta.url)) {
  const options = flags({ target: 30, share: 0.5, concurrency: 4, trials: 3 });
  const result = await measureEarlyGate(options, printJson);
  printJson({
    gateTokensPerAccepted: result.gateTokensPerAccepted,
    noGateTokensPerAccepted: result.noGateTokensPerAccepted,
    reduction: result.reduction,
    goal: ">= 0.30",
    met: result.reduction >= 0.3,
  });
}
