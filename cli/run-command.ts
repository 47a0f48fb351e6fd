import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { createLogger } from "../log/logger.ts";
import { runSession } from "../runner/run-session.ts";
import { renderSummary } from "../runner/summary.ts";
import { onStopSignal, signalExitCode } from "../terminal/signals.ts";
import { positiveInteger, runIdArgument } from "./arguments.ts";
import { dryRun } from "./dry-run.ts";
import { renderEstimate } from "./estimate-summary.ts";
import { prepareTopology, type TopologyOverrides } from "./prepare-topology.ts";
import { selectAgents } from "./select-agents.ts";

const DEFAULT_SAMPLE_ROUNDS = 12;

export const DEMO_TOPOLOGY = fileURLToPath(new URL("../topologies/demo.yaml", import.meta.url));

interface RunFlags {
  topology?: string;
  domain?: string[];
  target?: number;
  concurrency?: number;
  maxRounds?: number;
  out?: string;
  runId?: string;
  only?: string[];
  dryRun?: boolean;
  sampleRounds?: number;
}

async function execute(file: string, flags: RunFlags): Promise<number> {
  const logger = createLogger();
  const overrides: TopologyOverrides = {
    target: flags.target,
    domains: flags.domain,
    concurrency: flags.concurrency,
    maxRounds: flags.maxRounds,
    outDir: flags.out,
  };
  const prepared = await prepareTopology(file, overrides, logger);
  try {
    if (flags.dryRun) {
      const estimate = await dryRun(prepared, flags.sampleRounds ?? DEFAULT_SAMPLE_ROUNDS, logger);
      process.stdout.write(`${renderEstimate(estimate)}\n`);
      return 0;
    }
    const agents = flags.only ? selectAgents(prepared.topology, flags.only) : undefined;
    const interrupt = onStopSignal("draining agents");
    const result = await runSession({ prepared, logger, runId: flags.runId, agents, interrupt });
    process.stdout.write(
      `${renderSummary(result.report, result.datasetPath)}\nreport: ${result.reportPath}\n`,
    );
    return result.report.status === "interrupted" ? signalExitCode(await interrupt) : 0;
  } finally {
    await prepared.simulator?.close();
  }
}

function addRunFlags(command: Command): Command {
  return command
    .option("--domain <name...>", "domain pack(s) to generate for (prompts/<name>)")
    .option("--target <n>", "accepted samples that end the run", positiveInteger)
    .option("--concurrency <n>", "rounds in flight at once", positiveInteger)
    .option("--max-rounds <n>", "give up after this many rounds", positiveInteger)
    .option("--out <dir>", "folder for runs (default: runs)")
    .option("--run-id <id>", "run id to use; an existing run resumes where it stopped", runIdArgument)
    .option("--only <types...>", "start only these agent types here (others run elsewhere)")
    .option(
      "--dry-run",
      "estimate the run's tokens and cost from a short simulated sample; calls no real model",
    )
    .option(
      "--sample-rounds <n>",
      `rounds in the dry run's sample (default ${DEFAULT_SAMPLE_ROUNDS})`,
      positiveInteger,
    );
}

export function runCommand(): Command {
  return addRunFlags(
    new Command("run")
      .description("run the adversarial game to a target on embedded defaults (simulator + embedded NATS)")
      .option("--topology <file>", "topology file", DEMO_TOPOLOGY),
  ).action(async (flags: RunFlags) => {
    process.exitCode = await execute(flags.topology ?? DEMO_TOPOLOGY, flags);
  });
}

export function upCommand(): Command {
  return addRunFlags(
    new Command("up")
      .description("start every agent of a topology in this process and run to the target")
      .argument("<topology>", "topology YAML file"),
  ).action(async (file: string, flags: RunFlags) => {
    process.exitCode = await execute(file, flags);
  });
}
