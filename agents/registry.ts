import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AgentConfig } from "../config/topology.ts";
import { ConfigError, errorMessage } from "../core/errors.ts";
import { trainerAgent } from "../trainer/trainer-agent.ts";
import { attackerAgent } from "./attacker/attacker-agent.ts";
import { curatorAgent } from "./curator/curator-agent.ts";
import { defenderAgent } from "./defender/defender-agent.ts";
import { type AgentDefinition, isAgentDefinition } from "./definition.ts";
import { judgeAgent } from "./judge/judge-agent.ts";
import { schedulerAgent } from "./scheduler/scheduler-agent.ts";

export const BUILT_IN_AGENTS: ReadonlyMap<string, AgentDefinition<unknown>> = new Map(
  [schedulerAgent, attackerAgent, defenderAgent, judgeAgent, curatorAgent, trainerAgent].map((a) => [
    a.type,
    a as AgentDefinition<unknown>,
  ]),
);

/** Loads a plug-in module and finds the agent it exports (default export, or a named export made by defineAgent). */
export async function loadAgentModule(
  modulePath: string,
  baseDir: string,
  type?: string,
): Promise<AgentDefinition<unknown>> {
  const file = resolve(baseDir, modulePath);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(
      `agent module ${modulePath}: cannot be loaded (${errorMessage(err)}); check the path, relative to the topology file`,
    );
  }
  const candidates = Object.values(loaded).filter(isAgentDefinition);
  const match =
    candidates.find((c) => c.type === type) ??
    (isAgentDefinition(loaded.default) ? loaded.default : candidates[0]);
  if (!match) {
    throw new ConfigError(
      `agent module ${modulePath} does not export a valid agent: export one made with defineAgent() from "nanoflux" (it needs a type, an options schema and create())`,
    );
  }
  return match;
}

export async function resolveAgentDefinition(
  config: AgentConfig,
  baseDir: string,
): Promise<AgentDefinition<unknown>> {
  if (config.module) return loadAgentModule(config.module, baseDir, config.type);
  const builtIn = BUILT_IN_AGENTS.get(config.type);
  if (!builtIn)
    throw new ConfigError(
      `agents: unknown agent type "${config.type}"; use one of ${[...BUILT_IN_AGENTS.keys()].join(", ")}`,
    );
  return builtIn;
}
