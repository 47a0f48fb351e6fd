/**
 * What runs spend and what they keep: tokens per accepted sample, the wasted share (tokens of rounds that
 * ended without a sample for a reason other than its own quality), what the endpoint billed against what the
 * report counts, and how far a budget was overshot. Three runs through the whole agent system on the
 * simulator: the demo topology, tournament-3 (three models, three domains, a domain mix), and the demo
 * against a faulty endpoint (60% of replies unusable, 20% a 500 that bills the prompt) under a token budget.
 *
 *   node bin/run-ts.mjs bench/economy.ts [--budget 30000]
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { prepareTopology } from "../cli/prepare-topology.ts";
import { silentLogger } from "../log/logger.ts";
import { runSession } from "../runner/run-session.ts";
import { flags, isMain, printJson } from "./support/cli.ts";

export interface EconomyOptions {
  /** Token budget of the faulty-endpoint run. */
  budget: number;
  /** Overrides every run's target (the smoke test); 0 keeps each topology's own. */
  target: number;
}

export interface EconomyRun {
  scenario: string;
  status: string;
  target: number;
  accepted: number;
  rounds: number;
  totalTokens: number;
  tokensPerAccepted: number;
  wastedShare: number;
  /** Tokens the simulator billed, garbage and failed calls included. */
  billedTokens: number;
  billedOverReported: number;
  /** The Judge's tokens over the rounds it judged. */
  judgeTokensPerJudgedRound: number;
  budget: number | null;
  /** Tokens spent beyond the budget; negative: left unspent. */
  budgetOvershoot: number | null;
}

const TOPOLOGIES = fileURLToPath(new URL("../topologies/", import.meta.url));

/** The demo topology against an endpoint that garbles and fails most replies, under a token budget. */
async function faultyTopology(dir: string, budget: number): Promise<string> {
  const demo = parse(await readFile(join(TOPOLOGIES, "demo.yaml"), "utf8"));
  demo.simulator.faults = { rate429: 0, rate500: 0.2, rateTimeout: 0, rateMalformed: 0.6 };
  demo.run.budget = { tokens: budget };
  // Under a budget every call reserves its reply cap: a cap sized to the replies keeps the margin small.
  for (const model of demo.models) model.maxTokens = 1024;
  demo.curation.target = 200;
  const file = join(dir, "faulty.yaml");
  await writeFile(file, stringify(demo));
  return file;
}

async function measure(
  scenario: string,
  file: string,
  options: EconomyOptions,
  outDir: string,
): Promise<EconomyRun> {
  const overrides = {
    outDir,
    ...(options.target > 0 && scenario !== "faulty" ? { target: options.target } : {}),
  };
  const prepared = await prepareTopology(file, overrides, silentLogger());
  try {
    const { report } = await runSession({ prepared, logger: silentLogger() });
    const stats = prepared.simulator?.stats();
    const billed = (stats?.tokens.prompt ?? 0) + (stats?.tokens.completion ?? 0);
    const budget = prepared.topology.run.budget?.tokens ?? null;
    const judged = Object.values(report.byOutcome).reduce((a, b) => a + b, 0);
    const judgeTokens = report.usage
      .filter((u) => u.role === "judge")
      .reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
    return {
      scenario,
      status: report.status,
      target: report.target,
      accepted: report.accepted,
      rounds: report.rounds,
      totalTokens: report.totalTokens,
      tokensPerAccepted: report.accepted > 0 ? report.totalTokens / report.accepted : Number.NaN,
      wastedShare: report.wastedShare,
      billedTokens: billed,
      billedOverReported: report.totalTokens > 0 ? billed / report.totalTokens : Number.NaN,
      judgeTokensPerJudgedRound: judged > 0 ? judgeTokens / judged : Number.NaN,
      budget,
      budgetOvershoot: budget === null ? null : report.totalTokens - budget,
    };
  } finally {
    await prepared.simulator?.close();
  }
}

export async function measureEconomy(options: EconomyOptions): Promise<EconomyRun[]> {
  const dir = await mkdtemp(join(tmpdir(), "nanoflux-economy-"));
  try {
    const outDir = join(dir, "runs");
    return [
      await measure("demo", join(TOPOLOGIES, "demo.yaml"), options, outDir),
      await measure("tournament-3", join(TOPOLOGIES, "tournament-3.yaml"), options, outDir),
      await measure("faulty", await faultyTopology(dir, options.budget), options, outDir),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  for (const run of await measureEconomy(flags({ budget: 30_000, target: 0 }))) printJson(run);
}
