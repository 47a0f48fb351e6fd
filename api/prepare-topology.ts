import { resolve } from "node:path";
import { explainIssues, formatPath, type TopologyIssue } from "../config/issues.ts";
import { readableFileProblem } from "../config/path-checks.ts";
import type { Logger } from "../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../packages/sim/src/index.ts";
import { ConfigError } from "../protocol/errors.ts";
import {
  type PreparedTopology,
  prepareTopology as prepareRunTopology,
  type SimulatorStarter,
  type TopologyOverrides,
} from "../runner/prepare-topology.ts";

/** Where the block sits in a topology file: issue paths start here. */
const BLOCK_PATH = ["simulator"] as const;

/**
 * Every problem with a topology's `simulator:` block, at its field path (`simulator.faults.rate429`) with a hint,
 * like any other topology error: the block against the simulator's schema, then the benchmark files it names
 * (relative to the topology's folder).
 */
export async function simulatorBlockIssues(block: unknown, baseDir: string): Promise<TopologyIssue[]> {
  const parsed = SimulatorConfig.safeParse(block);
  if (!parsed.success) return explainIssues(parsed.error.issues, SimulatorConfig, block, BLOCK_PATH);
  const issues: TopologyIssue[] = [];
  for (const [i, ref] of parsed.data.benchmarks.entries()) {
    const problem = await readableFileProblem(resolve(baseDir, ref));
    if (problem)
      issues.push({
        path: formatPath([...BLOCK_PATH, "benchmarks", i]),
        message: `cannot read "${ref}": ${problem}`,
        hint: "give the path of a readable JSONL file, relative to the topology file",
      });
  }
  return issues;
}

/** The block's settings, benchmark paths resolved; a ConfigError naming each bad field otherwise. */
function simulatorSettings(block: unknown, baseDir: string): SimulatorConfig {
  const parsed = SimulatorConfig.safeParse(block);
  if (!parsed.success) {
    const issues = explainIssues(parsed.error.issues, SimulatorConfig, block, BLOCK_PATH);
    throw new ConfigError(
      `invalid simulator settings: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    );
  }
  return { ...parsed.data, benchmarks: parsed.data.benchmarks.map((b) => resolve(baseDir, b)) };
}

/** The simulator package, composed here (for the library and the CLI) and nowhere else in production code. */
export const builtInSimulator: SimulatorStarter<Simulator> = {
  check: simulatorBlockIssues,
  start: async (block, baseDir, logger) => startSimulator(simulatorSettings(block, baseDir), { logger }),
};

/** A topology ready to run, with the built-in simulator started when the file asks for it. */
export function prepareTopology(
  file: string,
  overrides: TopologyOverrides,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PreparedTopology<Simulator>> {
  return prepareRunTopology(file, overrides, logger, env, builtInSimulator);
}

export type { PreparedTopology, TopologyOverrides };
