import type { AgentConfig, Topology } from "../config/topology.ts";
import { ConfigError } from "../protocol/errors.ts";

/** The topology's agents of the given types, in topology order; an unknown type is the user's mistake. */
export function selectAgents(topology: Topology, types: string[], replicas?: number): AgentConfig[] {
  const known = topology.agents.map((a) => a.type);
  for (const type of types) {
    if (!known.includes(type))
      throw new ConfigError(`agent type "${type}" is not in the topology; it has: ${known.join(", ")}`);
  }
  return topology.agents
    .filter((a) => types.includes(a.type))
    .map((a) => (replicas ? { ...a, replicas } : a));
}
