import { dirname, resolve } from "node:path";
import { parseYamlDocument, readTopologyText, validateTopology } from "../config/load.ts";
import type { Topology } from "../config/topology.ts";
import type { Logger } from "../log/logger.ts";
import { type Simulator, startSimulator } from "../sim/server.ts";

export const SIM_URL_ENV = "NANOFLUX_SIM_URL";
/** Stands in for the simulator's address while the file is first validated, before the simulator exists. */
const PENDING_SIM_URL = "http://127.0.0.1:9/v1";

export interface TopologyOverrides {
  target?: number;
  domains?: string[];
  concurrency?: number;
  outDir?: string;
  maxRounds?: number;
}

export interface PreparedTopology {
  topology: Topology;
  file: string;
  baseDir: string;
  simulator?: Simulator;
  env: NodeJS.ProcessEnv;
}

function applyOverrides(raw: Record<string, unknown>, overrides: TopologyOverrides): Record<string, unknown> {
  const run = { ...((raw.run as Record<string, unknown>) ?? {}) };
  const curation = { ...((raw.curation as Record<string, unknown>) ?? {}) };
  if (overrides.domains) run.domains = overrides.domains;
  if (overrides.concurrency) run.concurrency = overrides.concurrency;
  if (overrides.outDir) run.outDir = overrides.outDir;
  if (overrides.maxRounds) run.maxRounds = overrides.maxRounds;
  if (overrides.target) curation.target = overrides.target;
  return { ...raw, run, curation };
}

/**
 * Loads a topology file, applies command-line overrides, and starts the built-in simulator when the file asks
 * for one: the simulator's URL reaches the models through ${NANOFLUX_SIM_URL}, like any other endpoint.
 */
export async function prepareTopology(
  file: string,
  overrides: TopologyOverrides,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PreparedTopology> {
  const document = applyOverrides(parseYamlDocument(await readTopologyText(file), file), overrides);
  const firstEnv = { ...env, [SIM_URL_ENV]: env[SIM_URL_ENV] ?? PENDING_SIM_URL };
  const validated = validateTopology(document, file, firstEnv);
  const baseDir = dirname(resolve(file));
  // A simulator started elsewhere (another host of a multi-host run) is used as it is.
  if (!validated.simulator || env[SIM_URL_ENV]) return { topology: validated, file, baseDir, env };

  const simulator = await startSimulator(
    { ...validated.simulator, benchmarks: validated.simulator.benchmarks.map((b) => resolve(baseDir, b)) },
    { logger },
  );
  const simEnv = { ...env, [SIM_URL_ENV]: simulator.url };
  return { topology: validateTopology(document, file, simEnv), file, baseDir, simulator, env: simEnv };
}
