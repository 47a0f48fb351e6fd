import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { writeDatasetCard } from "./dataset-card.ts";
import { defaultFileName, ExportFormat, exportDataset } from "./export-dataset.ts";
import { readDatasetFile, readReportFile } from "./run-files.ts";

export interface ExportRequest {
  runDir: string;
  format: ExportFormat;
  /** Output file; default `<runDir>/export/<default name>`. */
  out?: string;
  systemPrompt?: string;
  /** Write README.md (the dataset card) beside the output. */
  card: boolean;
}

export interface ExportResult {
  outFile: string;
  cardFile?: string;
  samples: number;
}

/** `nanoflux export` without the command line: reads the run folder, writes the export and its card. */
export async function runExport(request: ExportRequest): Promise<ExportResult> {
  const samples = await readDatasetFile(join(request.runDir, "dataset.jsonl"));
  const report = await readReportFile(join(request.runDir, "report.json"));
  const outFile = request.out ?? join(request.runDir, "export", defaultFileName(request.format));
  await mkdir(dirname(outFile), { recursive: true });
  await exportDataset(samples, request.format, outFile, { systemPrompt: request.systemPrompt });
  const cardFile = request.card ? await writeDatasetCard(dirname(outFile), { samples, report }) : undefined;
  return { outFile, cardFile, samples: samples.length };
}

interface ExportFlags {
  format: ExportFormat;
  out?: string;
  system?: string;
  card: boolean;
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
    .action(async (runDir: string, flags: ExportFlags) => {
      const result = await runExport({
        runDir,
        format: flags.format,
        out: flags.out,
        systemPrompt: flags.system,
        card: flags.card,
      });
      const card = result.cardFile ? `; card: ${result.cardFile}` : "";
      process.stdout.write(
        `wrote ${result.samples} samples as ${flags.format} to ${result.outFile}${card}\n`,
      );
    });
}
