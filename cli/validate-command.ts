import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { resolveAgentDefinition } from "../agents/registry.ts";
import { explainIssues, formatPath, type TopologyIssue } from "../config/issues.ts";
import { parseYamlDocument, readTopologyText, TopologyError, validateTopology } from "../config/load.ts";
import { suggestionHint } from "../config/suggest.ts";
import type { Topology } from "../config/topology.ts";
import { ConfigError } from "../core/errors.ts";
import { loadDomainPacks } from "../domains/pack.ts";
import { PENDING_SIM_URL, SIM_URL_ENV } from "../runner/prepare-topology.ts";

/** Stands in for the simulator's address, which exists only once a run starts it. */

/** Plug-in modules must load and export an agent, and every agent's options must fit its type's schema. */
async function agentIssues(topology: Topology, baseDir: string): Promise<TopologyIssue[]> {
  const issues: TopologyIssue[] = [];
  for (const [i, agent] of topology.agents.entries()) {
    let definition: Awaited<ReturnType<typeof resolveAgentDefinition>>;
    try {
      definition = await resolveAgentDefinition(agent, baseDir);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push({
        path: formatPath(["agents", i, "module"]),
        message: err.message,
        hint: "give a path relative to the topology file of a module exporting defineAgent({...}), like examples/critic/critic.ts",
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

/** A topology file checked as a run would load it, plus what it names outside itself: plug-ins and domains. */
async function checkTopologyFile(file: string): Promise<Topology> {
  const document = parseYamlDocument(await readTopologyText(file), file);
  const topology = validateTopology(document, file, {
    ...process.env,
    [SIM_URL_ENV]: process.env[SIM_URL_ENV] ?? PENDING_SIM_URL,
  });
  const issues = [
    ...(await agentIssues(topology, dirname(resolve(file)))),
    ...(await domainIssues(topology)),
  ];
  if (issues.length > 0) throw new TopologyError(file, issues);
  return topology;
}

/** Checks topology files without running anything; every problem is listed with its field path and a hint. */
export function validateCommand(): Command {
  return new Command("validate")
    .description("check topology files: every error with its field path and a hint; exit code 2 if any")
    .argument("<files...>", "topology YAML files")
    .action(async (files: string[]) => {
      let failed = 0;
      for (const file of files) {
        try {
          const topology = await checkTopologyFile(file);
          process.stdout.write(
            `${file}: ok (${topology.models.length} models, ${topology.agents.length} agents)\n`,
          );
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          failed += 1;
          process.stderr.write(`${err instanceof TopologyError ? err.message : `${file}: ${err.message}`}\n`);
        }
      }
      process.exitCode = failed > 0 ? 2 : 0;
    });
}
