import { dirname, resolve } from "node:path";
import { resolveAgentDefinition } from "../agents/registry.ts";
import { explainIssues, formatPath, type TopologyIssue } from "../config/issues.ts";
import { readableFileProblem, writableFolderProblem } from "../config/path-checks.ts";
import { checkPluginModule } from "../config/plugin-modules.ts";
import { suggestionHint } from "../config/suggest.ts";
import type { Topology } from "../config/topology.ts";
import { loadDomainPacks } from "../domains/pack.ts";
import { BENCHMARK_FILES, defaultBenchmarksDir, resolveBenchmark } from "../eval/benchmarks.ts";
import { ConfigError } from "../protocol/errors.ts";

/**
 * What a valid topology names outside itself, checked before anything is written or started: domain packs,
 * plug-in modules, the folders a run writes and the files it reads. Nothing is created, and no plug-in is
 * imported unless `loadPlugins` says so (importing a module runs its code).
 */

export interface EnvironmentCheckOptions {
  /** The topology file: plug-in modules are relative to its folder. */
  file: string;
  /** Import plug-in modules to check that they export an agent whose options schema fits: runs their code. */
  loadPlugins?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Plug-in modules pass the path rules (and, loaded, export an agent); every checked agent's options fit. */
async function agentIssues(
  topology: Topology,
  baseDir: string,
  loadPlugins: boolean,
  env: NodeJS.ProcessEnv,
): Promise<TopologyIssue[]> {
  const issues: TopologyIssue[] = [];
  for (const [i, agent] of topology.agents.entries()) {
    if (agent.module) {
      const checked = await checkPluginModule(agent.module, baseDir, env);
      if (!checked.ok) {
        issues.push({
          path: formatPath(["agents", i, "module"]),
          message: checked.message,
          hint: checked.hint,
        });
        continue;
      }
      if (!loadPlugins) continue;
    }
    let definition: Awaited<ReturnType<typeof resolveAgentDefinition>>;
    try {
      definition = await resolveAgentDefinition(agent, baseDir, env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push({
        path: formatPath(["agents", i, agent.module ? "module" : "type"]),
        message: err.message,
        hint: "give a path relative to the topology file of a module exporting defineAgent({...}), like ../examples/critic/critic.ts",
      });
      continue;
    }
    const options = definition.options.safeParse(agent.options);
    if (!options.success)
      issues.push(
        ...explainIssues(options.error.issues, definition.options, agent.options, ["agents", i, "options"]),
      );
  }
  return issues;
}

async function domainIssues(topology: Topology): Promise<TopologyIssue[]> {
  const known = [...(await loadDomainPacks()).keys()];
  return topology.run.domains.flatMap((name, i) =>
    known.includes(name)
      ? []
      : [
          {
            path: formatPath(["run", "domains", i]),
            message: `no domain pack "${name}"`,
            hint: suggestionHint(
              name,
              known,
              `use one of ${known.join(", ")}, or add a pack (see prompts/README.md)`,
            ),
          },
        ],
  );
}

/** The run folder and the question store: each must be a writable folder, or creatable in one. */
async function folderIssues(topology: Topology): Promise<TopologyIssue[]> {
  const folders: Array<[string[], string | undefined]> = [
    [["run", "outDir"], topology.run.outDir],
    [["curation", "storePath"], topology.curation.storePath],
  ];
  const issues: TopologyIssue[] = [];
  for (const [path, folder] of folders) {
    const problem = folder === undefined ? undefined : await writableFolderProblem(folder);
    if (problem)
      issues.push({
        path: formatPath(path),
        message: `cannot write there: ${problem}`,
        hint: "choose a folder you can write to, or one that can be created in such a folder (a relative path is from the working directory)",
      });
  }
  return issues;
}

/**
 * Decontamination's benchmark files: names or paths from the working directory. (The simulator's are checked with
 * the rest of its block by the command that starts it.)
 */
async function fileIssues(topology: Topology, env: NodeJS.ProcessEnv): Promise<TopologyIssue[]> {
  const issues: TopologyIssue[] = [];
  for (const [i, ref] of topology.curation.decontamination.benchmarks.entries()) {
    const path = formatPath(["curation", "decontamination", "benchmarks", i]);
    const hint = `give a benchmark name (${Object.keys(BENCHMARK_FILES).join(", ")}) or the path of a readable JSONL file, relative to the working directory`;
    let file: string;
    try {
      file = resolveBenchmark(ref, defaultBenchmarksDir(env)).file;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push({ path, message: err.message, hint });
      continue;
    }
    const problem = await readableFileProblem(file);
    if (problem) issues.push({ path, message: `cannot read "${ref}": ${problem}`, hint });
  }
  return issues;
}

/** Every problem with what the topology names outside itself, each with its field path and a hint. */
export async function checkEnvironment(
  topology: Topology,
  options: EnvironmentCheckOptions,
): Promise<TopologyIssue[]> {
  const env = options.env ?? process.env;
  const baseDir = dirname(resolve(options.file));
  return [
    ...(await agentIssues(topology, baseDir, options.loadPlugins ?? false, env)),
    ...(await domainIssues(topology)),
    ...(await folderIssues(topology)),
    ...(await fileIssues(topology, env)),
  ];
}
