import { relative } from "node:path";
import { Command } from "commander";
import { createLogger } from "../log/logger.ts";
import { runAblation } from "../runner/ablation/run-ablation.ts";
import { loadAblationSpec } from "../runner/ablation/spec.ts";
import { ABLATION_HEADERS, ablationRows } from "../runner/ablation/table.ts";
import { note } from "../terminal/live-line.ts";
import { untilInterrupted } from "../terminal/signals.ts";
import { renderTable } from "../terminal/table.ts";
import { prepareTopology } from "./prepare-topology.ts";

/** `nanoflux ablate <topology> --spec <file>`: the paper's ablations on your models and domain. */
export function ablateCommand(): Command {
  return new Command("ablate")
    .description(
      "fine-tune on dataset slices (quality level x complexity x size) and evaluate each: a table and charts",
    )
    .argument("<topology>", "topology YAML file with a training section")
    .requiredOption(
      "--spec <file>",
      "ablation spec YAML: benchmark, levels, complexities, sizes, fullBenchmark, ...",
    )
    .action(async (file: string, flags: { spec: string }) => {
      // Both files are checked before anything starts or is written.
      const spec = await loadAblationSpec(flags.spec);
      const logger = createLogger();
      const prepared = await prepareTopology(file, {}, logger);
      try {
        const say = (line: string) => note(`ablate: ${line}`);
        const { dir, record, worked } = await untilInterrupted((signal) =>
          runAblation({ prepared, spec, logger, signal, say }),
        );
        process.stdout.write(`${renderTable(ABLATION_HEADERS, ablationRows(record))}\n`);
        if (record.simulated)
          process.stdout.write(
            "On the simulator: the fine-tune effect is a stand-in (skill grows with sample count only).\n",
          );
        const shown = relative(process.cwd(), dir) || ".";
        process.stdout.write(
          `${worked === 0 ? "Nothing new to do; " : ""}table ${shown}/ablation.md, charts ${shown}/accuracy.svg and ${shown}/loss.svg\n`,
        );
      } finally {
        await prepared.simulator?.close();
      }
    });
}
