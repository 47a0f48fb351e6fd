import { Command } from "commander";
import { startAgents } from "../agents/runtime.ts";
import { assertToken } from "../bus/subjects.ts";
import { ConfigError } from "../core/errors.ts";
import { createLogger } from "../log/logger.ts";
import { prepareTopology } from "../runner/prepare-topology.ts";
import { positiveInt } from "./run-command.ts";
import { selectAgents } from "./select-agents.ts";
import { onStopSignal } from "./signals.ts";

interface AgentFlags {
  topology: string;
  run: string;
  replicas?: number;
  runDir?: string;
}

/** One agent type in its own process (or host), joining a run on a shared NATS server or cluster. */
export function agentCommand(): Command {
  return new Command("agent")
    .description("run one agent type of a topology in this process, against NATS_URL (or nats.url)")
    .argument(
      "<type>",
      "agent type from the topology (attacker, defender, judge, curator, scheduler or a plug-in's)",
    )
    .requiredOption("--topology <file>", "topology YAML file")
    .requiredOption(
      "--run <runId>",
      "run to join (the id the coordinator printed or was given with --run-id)",
    )
    .option("--replicas <n>", "replicas to start here (default: the topology's)", positiveInt)
    .option("--run-dir <dir>", "folder for this agent's run files (default: <run.outDir>/<runId>)")
    .action(async (type: string, flags: AgentFlags) => {
      const logger = createLogger();
      const prepared = await prepareTopology(flags.topology, {}, logger);
      const natsUrl = process.env.NATS_URL || prepared.topology.nats.url;
      if (!natsUrl)
        throw new ConfigError(
          "nanoflux agent needs a shared NATS server: set NATS_URL or nats.url in the topology",
        );
      const runId = assertToken(flags.run, "run id");
      const runtime = await startAgents(
        {
          topology: prepared.topology,
          baseDir: prepared.baseDir,
          runId,
          runDir: flags.runDir ?? `${prepared.topology.run.outDir}/${runId}`,
          natsUrl,
          logger,
          env: prepared.env,
        },
        selectAgents(prepared.topology, [type], flags.replicas),
      );
      await onStopSignal("draining agents");
      await runtime.stop();
      await prepared.simulator?.close();
    });
}
