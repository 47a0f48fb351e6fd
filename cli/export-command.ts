import { mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Command, Option } from "commander";
import { CARD_FILE, writeDatasetCard } from "../curation/export/dataset-card.ts";
import { defaultFileName, ExportFormat, exportDataset } from "../curation/export/export-dataset.ts";
import { assertMayWrite, MANIFEST_FILE, recordWritten } from "../curation/export/owned-files.ts";
import { readDatasetFile, readReportFile } from "../curation/export/run-files.ts";
import { ConfigError } from "../protocol/errors.ts";

export interface ExportRequest {
  runDir: string;
  format: ExportFormat;
  /** Output file; default `<runDir>/export/<default name>`. */
  out?: string;
  systemPrompt?: string;
  /** Write README.md (the dataset card) beside the output. */
  card: boolean;
  /** Overwrite files that no earlier export wrote (see owned-files.ts). */
  force?: boolean;
}

export interface ExportResult {
  outFile: string;
  cardFile?: string;
  samples: number;
}

/** The file names the export writes into its folder, refused when one would overwrite another. */
function targetNames(outFile: string, card: boolean): string[] {
  const name = basename(outFile);
  if (name === MANIFEST_FILE || (card && name === CARD_FILE))
    throw new ConfigError(
      `--out ${outFile}: the export keeps ${card ? `${CARD_FILE} and ` : ""}${MANIFEST_FILE} beside its output; give the output another name`,
    );
  return card ? [name, CARD_FILE] : [name];
}

/**
 * `nanoflux export` without the command line: reads the run folder, writes the export and its card. Every
 * check (a run folder, a folder to write into, no file in the way) passes before any folder or file is made.
 */
export async function runExport(request: ExportRequest): Promise<ExportResult> {
  const samples = await readDatasetFile(join(request.runDir, "dataset.jsonl"));
  const report = await readReportFile(join(request.runDir, "report.json"));
  const outFile = request.out ?? join(request.runDir, "export", defaultFileName(request.format));
  const dir = dirname(outFile);
  const names = targetNames(outFile, request.card);
  await assertMayWrite(dir, names, request.force ?? false);
  await mkdir(dir, { recursive: true });
  await exportDataset(samples, request.format, outFile, { systemPrompt: request.systemPrompt });
  const cardFile = request.card ? await writeDatasetCard(dir, { samples, report }) : undefined;
  await recordWritten(dir, names);
  return { outFile, cardFile, samples: samples.length };
}

interface ExportFlags {
  format: ExportFormat;
  out?: string;
  system?: string;
  card: boolean;
  force?: boolean;
}

export function exportCommand(): Command {
  return new Command("export")
    .description("write a run's dataset in a fine-tuning format, with a dataset card (README.md)")
    .argument("<runDir>", "run folder holding dataset.jsonl (and report.json)")
    .addOption(
      new Option("--format <format>", "output format").choices(ExportFormat.options).default("openai-chat"),
    )
    .option(
      "--out <file>",
      "output file (default: <runDir>/export/dataset.<format>.jsonl or dataset.parquet)",
    )
    .option("--system <text>", "system prompt of every example")
    .option("--no-card", "do not write the dataset card")
    .option(
      "--force",
      "overwrite files in the output folder that no earlier export wrote (by default the export refuses)",
    )
    .action(async (runDir: string, flags: ExportFlags) => {
      const result = await runExport({
        runDir,
        format: flags.format,
        out: flags.out,
        systemPrompt: flags.system,
        card: flags.card,
        force: flags.force,
      });
      const card = result.cardFile ? `; card: ${result.cardFile}` : "";
      process.stdout.write(
        `wrote ${result.samples} samples as ${flags.format} to ${result.outFile}${card}\n`,
      );
    });
}
