import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { Command } from "commander";
import { resolveAgentDefinition } from "../agents/registry.ts";
import { connectNats } from "../bus/connection.ts";
import { followRunEvents } from "../bus/run-events.ts";
import { awaitRun, knownRuns, lookUpRun, watchCompletion } from "../bus/run-lookup.ts";
import { ensureRunStream } from "../bus/stream.ts";
import { type AgentRuntime, startAgents } from "../host/runtime.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { ConfigError } from "../protocol/errors.ts";
import { allRunsSubject } from "../protocol/subjects.ts";
import { note } from "../terminal/live-line.ts";
import { onStopSignal } from "../terminal/signals.ts";
import { DEFAULT_WAIT_FOR_RUN_S, positiveInteger, runIdArgument } from "./arguments.ts";
import { type PreparedTopology, prepareTopology } from "./prepare-topology.ts";
import { selectAgents } from "./select-agents.ts";

interface AgentFlags {
  topology: string;
  run?: string;
  everyRun?: boolean;
  replicas?: number;
  runDir?: string;
  waitForRun: number;
}

interface Worker {
  prepared: PreparedTopology;
  type: string;
  flags: AgentFlags;
  natsUrl: string;
  nc: NatsConnection;
  logger: Logger;
}

function startFor(worker: Worker, runId: string, runDir?: string): Promise<AgentRuntime> {
  const { prepared } = worker;
  return startAgents(
    {
      topology: prepared.topology,
      baseDir: prepared.baseDir,
      runId,
      runDir: runDir ?? `${prepared.topology.run.outDir}/${runId}`,
      natsUrl: worker.natsUrl,
      logger: worker.logger,
      env: prepared.env,
      resolve: resolveAgentDefinition,
    },
    selectAgents(prepared.topology, [worker.type], worker.flags.replicas),
  );
}

/** Serves one run and leaves when it completes (or at a stop signal). */
async function serveRun(worker: Worker, runId: string, stopped: Promise<string>): Promise<void> {
  const { logger, flags } = worker;
  // The scheduler is what starts a run; every other agent joins one that exists.
  if (worker.type !== "scheduler") {
    const found = await awaitRun(worker.nc, runId, flags.waitForRun * 1000, (message) =>
      logger.warn(message),
    );
    if (found.state === "completed") {
      note(`run ${runId} has already completed (${found.completed.reason}); nothing to do`);
      return;
    }
  }
  const runtime = await startFor(worker, runId, flags.runDir);
  const completion = await watchCompletion(worker.nc, runId);
  try {
    const ended = await Promise.race([completion.completed, stopped]);
    if (typeof ended !== "string") logger.info({ runId, status: ended.status }, "run completed; leaving");
  } finally {
    await completion.stop();
    await runtime.stop();
  }
}

/** Joins every run that starts on the bus, each until it completes; runs already going are joined too. */
async function serveEveryRun(worker: Worker, stopped: Promise<string>): Promise<void> {
  const { nc, logger } = worker;
  // Waiting for runs on a server that has seen none yet: the stream they will be recorded in is made now.
  await ensureRunStream(nc, worker.prepared.topology.nats.replicas);
  const runtimes = new Map<string, AgentRuntime>();
  const completed = new Set<string>();
  const join = async (runId: string) => {
    if (completed.has(runId) || runtimes.has(runId)) return;
    if ((await lookUpRun(nc, runId)).state === "completed") {
      completed.add(runId);
      return;
    }
    runtimes.set(runId, await startFor(worker, runId));
    logger.info({ runId }, "joined run");
  };
  const leave = async (runId: string) => {
    completed.add(runId);
    const runtime = runtimes.get(runId);
    runtimes.delete(runId);
    await runtime?.stop();
    if (runtime) logger.info({ runId }, "run completed; left it");
  };
  // Starts and completions from now on; the runs already going are found on the stream just after.
  const follower = await followRunEvents(jetstream(nc), "", {
    fromStart: false,
    subject: allRunsSubject().replace(/>$/, "*.run.*"),
  });
  // A stop ends the follower, and with it the loop below.
  void stopped.then(() => follower.stop());
  try {
    for (const runId of await knownRuns(nc)) await join(runId);
    logger.info({ joined: [...runtimes.keys()] }, "serving every run; waiting for new ones");
    for await (const { event } of follower.events) {
      if (event.type === "run.completed.v1") await leave(event.runId);
      else if (event.type === "run.started.v1") await join(event.runId);
    }
  } finally {
    await follower.stop();
    await Promise.all([...runtimes.values()].map((runtime) => runtime.stop()));
  }
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
    .option(
      "--run <runId>",
      "run to join (the id the coordinator printed or was given with --run-id); the agent leaves when it completes",
      runIdArgument,
    )
    .option("--every-run", "serve every run that starts on the bus, each until it completes")
    .option("--replicas <n>", "replicas to start here (default: the topology's)", positiveInteger)
    .option("--run-dir <dir>", "folder for this agent's run files (default: <run.outDir>/<runId>)")
    .option(
      "--wait-for-run <seconds>",
      "how long to wait for the run to start before giving up",
      positiveInteger,
      DEFAULT_WAIT_FOR_RUN_S,
    )
    .action(async (type: string, flags: AgentFlags) => {
      if (Boolean(flags.run) === Boolean(flags.everyRun))
        throw new ConfigError("nanoflux agent: pass either --run <runId> or --every-run");
      if (flags.everyRun && type === "scheduler")
        throw new ConfigError(
          "nanoflux agent scheduler starts one run: pass --run <runId> (--every-run is for the agents that join runs)",
        );
      const logger = createLogger();
      const prepared = await prepareTopology(flags.topology, {}, logger);
      try {
        // Checked before anything connects: an unknown type is the user's input.
        selectAgents(prepared.topology, [type], flags.replicas);
        const natsUrl = process.env.NATS_URL || prepared.topology.nats.url;
        if (!natsUrl)
          throw new ConfigError(
            "nanoflux agent needs a shared NATS server: set NATS_URL or nats.url in the topology",
          );
        const nc = await connectNats({
          servers: natsUrl,
          name: `nanoflux-agent-${type}`,
          auth: prepared.topology.nats,
        });
        const worker: Worker = { prepared, type, flags, natsUrl, nc, logger };
        const stopped = onStopSignal("draining agents");
        try {
          if (flags.run) await serveRun(worker, flags.run, stopped);
          else await serveEveryRun(worker, stopped);
        } finally {
          await nc.close();
        }
      } finally {
        await prepared.simulator?.close();
      }
    });
}
