import { Bus, instanceName } from "../bus/bus.ts";
import { RunSpendLedger } from "../bus/spend-ledger.ts";
import { DEFAULT_RESPONSE_CACHE_DIR } from "../config/response-cache-config.ts";
import type { AgentConfig, Topology } from "../config/topology.ts";
import { loadDomainPacks } from "../domains/pack.ts";
import type { ChatModel } from "../llm/chat-model.ts";
import { createChatModels, probeModelEndpoint } from "../llm/models.ts";
import { ResponseCache } from "../llm/response-cache.ts";
import type { Logger } from "../log/logger.ts";
import { agentSettings } from "./agent-settings.ts";
import type { AgentDefinition } from "./definition.ts";
import { hostAgent, type RunningAgent } from "./host.ts";

export interface AgentRuntimeOptions {
  topology: Topology;
  /** Folder of the topology file: plug-in module paths are relative to it. */
  baseDir: string;
  runId: string;
  runDir: string;
  natsUrl: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  packsDir?: string;
  /** Finds the definition of a topology agent: a built-in role or a plug-in module (the host knows neither). */
  resolve(agent: AgentConfig, baseDir: string, env: NodeJS.ProcessEnv): Promise<AgentDefinition<unknown>>;
}

export interface AgentRuntime {
  agents: RunningAgent[];
  stop(): Promise<void>;
}

function defaultConcurrency(agent: AgentConfig, topology: Topology): number {
  if (agent.concurrency) return agent.concurrency;
  const model = topology.models.find((m) => m.id === agent.model);
  return model?.maxConcurrency ?? topology.run.concurrency;
}

/**
 * Starts the given agents (each replica with its own NATS connection, as it would have on its own host).
 * Used by `nanoflux up` for all agents and by `nanoflux agent <type>` for one type.
 */
export async function startAgents(
  options: AgentRuntimeOptions,
  selected: AgentConfig[],
): Promise<AgentRuntime> {
  const { topology, logger } = options;
  const env = options.env ?? process.env;
  const packs = await loadDomainPacks(options.packsDir, topology.run.domains);
  // Fail fast with a clear message rather than one failed round per unreachable endpoint.
  await Promise.all(topology.models.map((model) => probeModelEndpoint(model, env)));
  // One connection keeps this process's books: every model call of every replica here is recorded through it.
  const books = await Bus.open({
    servers: options.natsUrl,
    name: instanceName("books"),
    nats: topology.nats,
    logger,
  });
  const ledger = new RunSpendLedger({
    bus: books,
    runId: options.runId,
    budget: topology.run.budget,
    prices: new Map(topology.models.map((m) => [m.id, m.price])),
  });
  const { responseCache } = topology;
  const models: Map<string, ChatModel> = createChatModels(topology.models, {
    env,
    logger,
    ledger,
    // Keyed by run id: a resumed run replays what it bought, another run (same seed, same round ids) buys its own.
    ...(responseCache.enabled
      ? {
          cache: new ResponseCache({
            dir: responseCache.dir ?? DEFAULT_RESPONSE_CACHE_DIR,
            namespace: options.runId,
            logger,
            env,
          }),
        }
      : {}),
  });
  const running: RunningAgent[] = [];
  const stop = async () => {
    const stopping = running.splice(0).reverse();
    await Promise.all(stopping.map((agent) => agent.stop()));
    await books.close();
  };
  try {
    for (const agent of selected) {
      const definition = await options.resolve(agent, options.baseDir, env);
      // A mistake in options or routes fails here, before any connection opens (each replica's host reads them).
      agentSettings(definition, agent);
      for (let replica = 0; replica < agent.replicas; replica++) {
        const instance = instanceName(agent.type);
        const bus = await Bus.open({ servers: options.natsUrl, name: instance, nats: topology.nats, logger });
        let hosted: RunningAgent;
        try {
          hosted = await hostAgent({
            definition,
            agent,
            topology,
            bus,
            runId: options.runId,
            runDir: options.runDir,
            instance,
            models,
            packs,
            logger: logger.child({ agent: agent.type, instance }),
            concurrency: defaultConcurrency(agent, topology),
            env,
          });
        } catch (err) {
          // Not running yet, so the stop below would not reach its connection.
          await bus.close();
          throw err;
        }
        running.push({
          type: hosted.type,
          instance: hosted.instance,
          stop: async () => {
            await hosted.stop();
            await bus.close();
          },
        });
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { agents: running, stop };
}
