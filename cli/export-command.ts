import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { type ExportRequest, type ExportResult, exportRun } from "../curation/export/export-run.ts";
import { ExportFormat } from "../curation/export/formats.ts";
import { ConfigError } from "../protocol/errors.ts";

export type { ExportRequest, ExportResult };

/** `nanoflux export` without the command line (see curation/export/export-run.ts). */
export const runExport = exportRun;

const CHOICES = ExportFormat.options.join(", ");

/** `--format parquet,openai-chat`: one or more formats, comma-separated. */
function parseFormats(value: string): ExportFormat[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const formats = names.map((name) => ExportFormat.safeParse(name));
  if (names.length === 0 || formats.some((f) => !f.success))
    throw new InvalidArgumentError(`Allowed choices are ${CHOICES} (comma-separated for several).`);
  return formats.flatMap((f) => (f.success ? [f.data] : []));
}

/** A number flag, read whole: `0.1x` or an empty value is a mistake, not 0.1 or 0. */
function parseNumber(
  flag: string,
  value: string | undefined,
  pattern: RegExp,
  example: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (!pattern.test(value.trim())) throw new ConfigError(`${flag} ${JSON.stringify(value)}: ${example}`);
  return Number(value);
}

interface ExportFlags {
  format: ExportFormat[];
  out?: string;
  system?: string;
  force?: boolean;
  validation?: string;
  splitSeed?: string;
  license?: string;
  card?: boolean;
}

function report(result: ExportResult): void {
  const splits = Object.entries(result.splits)
    .map(([name, rows]) => `${name} ${rows}`)
    .join(", ");
  process.stdout.write(
    `wrote ${result.samples} samples (${splits}) to ${result.outDir}\n` +
      `configs: ${result.configs.join(", ")} (default ${result.configs[0]}); card: ${result.cardFile}\n` +
      `load it in Python: datasets.load_dataset(${JSON.stringify(result.outDir)})\n`,
  );
  if (result.removed.length > 0)
    process.stdout.write(
      `removed ${result.removed.length} ${result.removed.length === 1 ? "file" : "files"} an earlier export wrote ` +
        `that no config describes any more: ${result.removed.map((name) => join(result.outDir, name)).join(", ")}\n`,
    );
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
}

const LAYOUT_HELP = `
The export folder (default <runDir>/export) is a Hugging Face dataset folder:
  README.md                  the dataset card; its front matter lists one config per format
  <format>/train.parquet     every config's rows in Parquet (what datasets.load_dataset reads)
  <format>/train.jsonl       the same rows as JSON Lines, for the JSONL formats
  <format>/validation.*      with --validation
Exporting another format into the same folder adds a config; the card describes them all.
In Python, datasets.load_dataset("<out>") loads the default config, load_dataset("<out>", "<format>") any other.`;

export function exportCommand(): Command {
  return new Command("export")
    .description(
      "write a run's dataset as a Hugging Face dataset folder: one config per format, with a dataset card (README.md)",
    )
    .argument("<runDir>", "run folder holding dataset.jsonl (and report.json, run.json)")
    .addOption(
      new Option("--format <formats>", `output format(s), comma-separated: ${CHOICES}`)
        .argParser(parseFormats)
        .default(["openai-chat"], "openai-chat"),
    )
    .option("--out <dir>", "export folder (default: <runDir>/export)")
    .option("--validation <fraction>", "share of samples for a validation split, e.g. 0.1 (default: none)")
    .option("--split-seed <n>", "seed of the train/validation split (default: dataset.splitSeed, or 1)")
    .option(
      "--license <id>",
      "licence id for the card, e.g. apache-2.0 (default: the topology's dataset.license)",
    )
    .option("--system <text>", 'system prompt of every example; "" for none (no system turn)')
    .option(
      "--force",
      "overwrite files in the export folder that no earlier export wrote, and replace an export of another dataset",
    )
    .addOption(new Option("--no-card").hideHelp())
    .addHelpText("after", LAYOUT_HELP)
    .action(async (runDir: string, flags: ExportFlags) => {
      if (flags.card === false)
        throw new ConfigError(
          "--no-card: the card is what lists the configs datasets.load_dataset reads, so every export writes it; leave --no-card out",
        );
      const result = await exportRun({
        runDir,
        formats: flags.format,
        out: flags.out,
        systemPrompt: flags.system,
        force: flags.force,
        validation: parseNumber(
          "--validation",
          flags.validation,
          /^\d*\.?\d+$/,
          "give the share of samples for the validation split, e.g. --validation 0.1",
        ),
        splitSeed: parseNumber(
          "--split-seed",
          flags.splitSeed,
          /^-?\d+$/,
          "give a whole number, e.g. --split-seed 1",
        ),
        license: flags.license,
      });
      report(result);
    });
}
