import { Command } from "commander";
import { TopologyError } from "../config/load.ts";
import { NanofluxError } from "../core/errors.ts";
import { silentLogger } from "../log/logger.ts";
import { prepareTopology } from "../runner/prepare-topology.ts";

/** Checks topology files without running anything; every problem is listed with its field path. */
export function validateCommand(): Command {
  return new Command("validate")
    .description("check topology files and report every error with its field path")
    .argument("<files...>", "topology YAML files")
    .action(async (files: string[]) => {
      let failed = 0;
      for (const file of files) {
        try {
          const prepared = await prepareTopology(file, {}, silentLogger(), {
            ...process.env,
            NANOFLUX_SIM_URL: process.env.NANOFLUX_SIM_URL ?? "http://127.0.0.1:9/v1",
          });
          process.stdout.write(
            `${file}: ok (${prepared.topology.models.length} models, ${prepared.topology.agents.length} agents)\n`,
          );
        } catch (err) {
          if (!(err instanceof NanofluxError)) throw err;
          failed += 1;
          process.stderr.write(`${err instanceof TopologyError ? err.message : `${file}: ${err.message}`}\n`);
        }
      }
      process.exitCode = failed > 0 ? 2 : 0;
    });
}
