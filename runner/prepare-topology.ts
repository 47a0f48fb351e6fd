import { dirname, resolve } from "node:path";
import type { TopologyIssue } from "../config/issues.ts";
import { parseYamlDocument, readTopologyText, TopologyError, validateTopology } from "../config/load.ts";
import type { Topology } from "../config/topology.ts";
import type { Logger } from "../log/logger.ts";
import { ConfigError } from "../protocol/errors.ts";
import { checkEnvironment } from "./environment-checks.ts";

export const SIM_URL_ENV = "NANOFLUX_SIM_URL";
/** Stands in for the simulator's address while the file is first validated, before the simulator exists. */
export const PENDING_SIM_URL = "http://127.0.0.1:9/v1";

export interface TopologyOverrides {
  target?: number;
  domains?: string[];
  concurrency?: number;
  outDir?: string;
  maxRounds?: number;
}

/** A simulator this process started for the topology; production code knows it only by this shape. */
export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

/**
 * The built-in simulator, supplied by the CLI: the only place that composes the simulator package. Production
 * code never reads the topology's `simulator:` block; it hands the block, as it is, to this.
 */
export interface SimulatorStarter<S extends RunningSimulator = RunningSimulator> {
  /** Every problem with the block, each with its field path (`simulator.<...>`) and a hint; nothing is started. */
  check(block: unknown, baseDir: string): Promise<TopologyIssue[]>;
  /** Starts a simulator with the block's settings (checked first); relative paths in it are from `baseDir`. */
  start(block: unknown, baseDir: string, logger: Logger): Promise<S>;
}

export interface PreparedTopology<S extends RunningSimulator = RunningSimulator> {
  topology: Topology;
  file: string;
  baseDir: string;
  simulator?: S;
  env: NodeJS.ProcessEnv;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Applies command-line overrides; a section that is not a mapping is left for validation to report. */
function applyOverrides(raw: Record<string, unknown>, overrides: TopologyOverrides): Record<string, unknown> {
  const run: Record<string, unknown> = {
    ...(overrides.domains && { domains: overrides.domains }),
    ...(overrides.concurrency && { concurrency: overrides.concurrency }),
    ...(overrides.outDir && { outDir: overrides.outDir }),
    ...(overrides.maxRounds && { maxRounds: overrides.maxRounds }),
  };
  const curation: Record<string, unknown> = overrides.target ? { target: overrides.target } : {};
  const merge = (section: unknown, changes: Record<string, unknown>) =>
    Object.keys(changes).length === 0 || (section !== undefined && !isMapping(section))
      ? section
      : { ...(section ?? {}), ...changes };
  return { ...raw, run: merge(raw.run, run), curation: merge(raw.curation, curation) };
}

/**
 * Loads a topology file, applies command-line overrides, checks everything it names outside itself (the
 * `simulator:` block through the starter, which owns its schema), and only then starts the built-in simulator
 * when the file asks for one: the simulator's URL reaches the models through ${NANOFLUX_SIM_URL}, like any
 * other endpoint. A bad input throws a TopologyError (field paths and hints) before anything is written or
 * started.
 *
 * The checks import the topology's plug-in modules (to check their exports and options), which runs their
 * code: running a topology runs its plug-ins, as running a Makefile runs its commands. Only modules that pass
 * the path rules of config/plugin-modules.ts are imported (see topologies/README.md, "Plug-ins and trust").
 */
export async function prepareTopology<S extends RunningSimulator = RunningSimulator>(
  file: string,
  overrides: TopologyOverrides,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  simulatorStarter?: SimulatorStarter<S>,
): Promise<PreparedTopology<S>> {
  const document = applyOverrides(parseYamlDocument(await readTopologyText(file), file), overrides);
  const firstEnv = { ...env, [SIM_URL_ENV]: env[SIM_URL_ENV] ?? PENDING_SIM_URL };
  const validated = validateTopology(document, file, firstEnv);
  const baseDir = dirname(resolve(file));
  const block = validated.simulator;
  const issues = [
    ...(await checkEnvironment(validated, { file, loadPlugins: true, env })),
    ...(block !== undefined && simulatorStarter ? await simulatorStarter.check(block, baseDir) : []),
  ];
  if (issues.length > 0) throw new TopologyError(file, issues);
  // A simulator started elsewhere (another host of a multi-host run) is used as it is.
  if (block === undefined || env[SIM_URL_ENV]) return { topology: validated, file, baseDir, env };

  if (!simulatorStarter)
    throw new ConfigError(
      `${file}: simulator: this topology asks for the built-in simulator, which only the nanoflux command starts; run it with nanoflux, or start one (nanoflux sim) and set ${SIM_URL_ENV}`,
    );
  const simulator = await simulatorStarter.start(block, baseDir, logger);
  const simEnv = { ...env, [SIM_URL_ENV]: simulator.url };
  return { topology: validateTopology(document, file, simEnv), file, baseDir, simulator, env: simEnv };
}
