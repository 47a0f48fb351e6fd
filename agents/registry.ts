import { pathToFileURL } from "node:url";
import { checkPluginModule } from "../config/plugin-modules.ts";
import type { AgentConfig } from "../config/topology.ts";
import { type AgentDefinition, isAgentDefinition } from "../host/definition.ts";
import { ConfigError, errorMessage } from "../protocol/errors.ts";
import { attackerAgent } from "./attacker/attacker-agent.ts";
import { curatorAgent } from "./curator/curator-agent.ts";
import { defenderAgent } from "./defender/defender-agent.ts";
import { judgeAgent } from "./judge/judge-agent.ts";
import { schedulerAgent } from "./scheduler/scheduler-agent.ts";
import { trainerAgent } from "./trainer/trainer-agent.ts";

/** The six roles, each declared with defineAgent exactly as a plug-in is. */
export const BUILT_IN_AGENTS: ReadonlyMap<string, AgentDefinition<unknown>> = new Map(
  [schedulerAgent, attackerAgent, defenderAgent, judgeAgent, curatorAgent, trainerAgent].map(
    (a): [string, AgentDefinition<unknown>] => [a.type, a],
  ),
);

/**
 * Loads a plug-in module and finds the agent it exports (default export, or a named export made by defineAgent).
 * Importing runs the module's code, so a path that fails the plug-in path rules (config/plugin-modules.ts) is
 * refused before anything is imported.
 */
export async function loadAgentModule(
  modulePath: string,
  baseDir: string,
  type?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgentDefinition<unknown>> {
  const checked = await checkPluginModule(modulePath, baseDir, env);
  if (!checked.ok) throw new ConfigError(`${checked.message}; ${checked.hint}`);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(checked.file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(
      `agent module ${modulePath}: importing it failed (${errorMessage(err)}); fix the module so that it loads`,
      { cause: err },
    );
  }
  const candidates = Object.values(loaded).filter(isAgentDefinition);
  const match =
    candidates.find((c) => c.type === type) ??
    (isAgentDefinition(loaded.default) ? loaded.default : candidates[0]);
  if (!match) {
    throw new ConfigError(
      `agent module ${modulePath} does not export a valid agent: export one made with defineAgent() from "nanoflux" (it needs a type, the stages it consumes and produces, and create())`,
    );
  }
  return match;
}

export async function resolveAgentDefinition(
  config: AgentConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgentDefinition<unknown>> {
  if (config.module) return loadAgentModule(config.module, baseDir, config.type, env);
  const builtIn = BUILT_IN_AGENTS.get(config.type);
  if (!builtIn)
    throw new ConfigError(
      `agents: unknown agent type "${config.type}"; use one of ${[...BUILT_IN_AGENTS.keys()].join(", ")}`,
    );
  return builtIn;
}
