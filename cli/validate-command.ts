import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { formatPath, type TopologyIssue } from "../config/issues.ts";
import { parseYamlDocument, readTopologyText, TopologyError, validateTopology } from "../config/load.ts";
import type { Topology } from "../config/topology.ts";
import { redactSecrets } from "../log/redaction.ts";
import { ConfigError } from "../protocol/errors.ts";
import { checkEnvironment } from "../runner/environment-checks.ts";
import { PENDING_SIM_URL, SIM_URL_ENV } from "../runner/prepare-topology.ts";
import { simulatorBlockIssues } from "./prepare-topology.ts";

interface ValidateFlags {
  loadPlugins?: boolean;
}

/** A topology file checked as a run would load it, plus what it names outside itself: plug-ins, domains, paths. */
async function checkTopologyFile(
  file: string,
  loadPlugins: boolean,
): Promise<{ topology: Topology; issues: TopologyIssue[] }> {
  const document = parseYamlDocument(await readTopologyText(file), file);
  const env = { ...process.env, [SIM_URL_ENV]: process.env[SIM_URL_ENV] ?? PENDING_SIM_URL };
  const topology = validateTopology(document, file, env);
  const issues = await checkEnvironment(topology, { file, loadPlugins, env: process.env });
  // The simulator's options are the simulator's to check, as the nanoflux command that starts it does.
  if (topology.simulator !== undefined)
    issues.push(...(await simulatorBlockIssues(topology.simulator, dirname(resolve(file)))));
  return { topology, issues };
}

/** What a check without --load-plugins could not see: one line per plug-in agent, indented under the file. */
function unloadedPluginNotes(topology: Topology): string {
  return topology.agents
    .flatMap((agent, i) =>
      agent.module
        ? [
            `  note: ${formatPath(["agents", i, "options"])} not checked: plug-in ${agent.module} was not run; ` +
              "--load-plugins checks its exports and options by running the module's code\n",
          ]
        : [],
    )
    .join("");
}

/** What a valid topology still lacks for publishing its dataset: one indented line each, under the file. */
function publishingWarnings(topology: Topology): string {
  return topology.dataset.license
    ? ""
    : "  warning: dataset.license is not set: an export's dataset card will say `license: unknown`; " +
        "set it to the Hugging Face licence id you publish under (e.g. apache-2.0, cc-by-4.0)\n";
}

/** Checks topology files without running anything; every problem is listed with its field path and a hint. */
export function validateCommand(): Command {
  return new Command("validate")
    .description("check topology files: every error with its field path and a hint; exit code 2 if any")
    .argument("<files...>", "topology YAML files")
    .option(
      "--load-plugins",
      "also import each plug-in module (this runs its code) to check its exports and its agents' options",
    )
    .action(async (files: string[], flags: ValidateFlags) => {
      const loadPlugins = flags.loadPlugins ?? false;
      let failed = 0;
      for (const file of files) {
        try {
          const { topology, issues } = await checkTopologyFile(file, loadPlugins);
          const notes = loadPlugins ? "" : unloadedPluginNotes(topology);
          if (issues.length > 0) {
            failed += 1;
            process.stderr.write(`${new TopologyError(file, issues).message}\n${notes}`);
          } else {
            process.stdout.write(
              `${file}: ok (${topology.models.length} models, ${topology.agents.length} agents)\n${notes}${publishingWarnings(topology)}`,
            );
          }
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          failed += 1;
          process.stderr.write(
            `${redactSecrets(err instanceof TopologyError ? err.message : `${file}: ${err.message}`)}\n`,
          );
        }
      }
      process.exitCode = failed > 0 ? 2 : 0;
    });
}
