import type { Logger } from "../log/logger.ts";
import { type Simulator, startSimulator } from "../packages/sim/src/server.ts";
import {
  type PreparedTopology,
  prepareTopology as prepareRunTopology,
  type SimulatorStarter,
  type TopologyOverrides,
} from "../runner/prepare-topology.ts";

/** The simulator package, composed here and nowhere else in production code. */
export const startBuiltInSimulator: SimulatorStarter<Simulator> = (config, logger) =>
  startSimulator(config, { logger });

/** A topology ready to run, with the built-in simulator started when the file asks for it. */
export function prepareTopology(
  file: string,
  overrides: TopologyOverrides,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PreparedTopology<Simulator>> {
  return prepareRunTopology(file, overrides, logger, env, startBuiltInSimulator);
}

export type { PreparedTopology, TopologyOverrides };
