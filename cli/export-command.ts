import { basename, dirname, join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { connectNats } from "../bus/connection.ts";
import { type NatsEndpoint, readerEndpoint } from "../bus/nats-endpoint.ts";
import { readRunReviews } from "../bus/run-reviews.ts";
import type { ExportReviews } from "../curation/export/export-reviews.ts";
import {
  checkRequest,
  type ExportRequest,
  type ExportResult,
  exportRun,
} from "../curation/export/export-run.ts";
import { ExportFormat } from "../curation/export/formats.ts";
import {
  DATASET_FILE,
  RUN_RECORD_FILE,
  readDatasetFile,
  readRunRecord,
} from "../curation/export/run-files.ts";
import { reviewBook } from "../curation/reviews.ts";
import { urlsForRecord } from "../log/redaction.ts";
import { ConfigError } from "../protocol/errors.ts";
import { runIdArgument } from "./arguments.ts";

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
  reviews?: boolean;
}

/** The run's id, for its subjects: from run.json, else from its samples; undefined when it has none. */
async function runIdOf(runDir: string): Promise<string | undefined> {
  const record = await readRunRecord(join(runDir, RUN_RECORD_FILE));
  const runId = record?.started.runId ?? (await readDatasetFile(join(runDir, DATASET_FILE)))[0]?.runId;
  if (runId === undefined) return undefined;
  try {
    return runIdArgument(runId);
  } catch (err) {
    const why = (err as Error).message;
    throw new ConfigError(`${runDir}: ${why}; pass --no-reviews to export without reviews`, { cause: err });
  }
}

/**
 * The run's stream: NATS_URL, else the embedded server of the runs folder holding the run folder; undefined
 * when neither is there (readerEndpoint refuses a folder with no .nats store, without NATS_URL).
 */
async function reviewStream(
  runsDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ endpoint: NatsEndpoint; where: string } | undefined> {
  try {
    const endpoint = await readerEndpoint(runsDir, env);
    const where = env.NATS_URL
      ? `the stream at ${urlsForRecord(env.NATS_URL)}`
      : `the stream of ${join(basename(runsDir), ".nats")}`;
    return { endpoint, where };
  } catch (err) {
    if (!env.NATS_URL && err instanceof ConfigError) return undefined;
    throw err;
  }
}

/** The run's reviews, read from its stream; undefined when no stream can be found. */
async function streamReviews(runDir: string, env: NodeJS.ProcessEnv): Promise<ExportReviews | undefined> {
  const runId = await runIdOf(runDir);
  // No samples: the export says so.
  if (runId === undefined) return undefined;
  const stream = await reviewStream(dirname(resolve(runDir)), env);
  if (!stream) return undefined;
  try {
    const nc = await connectNats({ servers: stream.endpoint.url, name: "nanoflux-export" });
    try {
      const read = await readRunReviews(nc, runId);
      if (!read)
        throw new ConfigError(
          `run ${runId} is not on ${stream.where}, so its reviews cannot be read; nothing was written: ` +
            "set NATS_URL to the NATS server the run used, or pass --no-reviews to export the samples as the run kept them",
        );
      const { reviews, ignored } = read;
      const count = `${reviews.length} ${reviews.length === 1 ? "review" : "reviews"}`;
      if (ignored > 0)
        process.stderr.write(
          `warning: ${ignored} message(s) on the run's review subjects are not valid reviews (malformed, or filed under another round than they name) and were not applied; nothing the dashboard records looks like that: check who else publishes to the stream\n`,
        );
      return {
        book: reviewBook(reviews),
        source: `${stream.where} (${count}${ignored > 0 ? `; ${ignored} invalid ignored` : ""})`,
      };
    } finally {
      await nc.close();
    }
  } finally {
    await stream.endpoint.release();
  }
}

function noStreamWarning(runDir: string): string {
  const runsDir = dirname(resolve(runDir));
  return (
    `reviews could not be read: NATS_URL is not set and ${runsDir} (the folder holding the run folder) has no .nats store; ` +
    "exported the samples as the run kept them, and the card says no reviews were read. To apply them, set NATS_URL to " +
    "the run's NATS server, or export the run folder inside the runs folder it ran in (the run's --out); " +
    "--no-reviews says you mean to leave them out"
  );
}

function reviewLine(result: ExportResult): string {
  const { review } = result;
  if (review.state === "ignored")
    return "reviews ignored (--no-reviews): the samples are as the run kept them\n";
  if (review.state === "unread") return "";
  const { approved, rejected, edited, unreviewed } = review.counts;
  const answers =
    review.answerEdits > 0
      ? `; ${review.answerEdits} edited reference ${review.answerEdits === 1 ? "answer" : "answers"} not re-verified by the Judge (the card says so)`
      : "";
  return (
    `applied reviews from ${review.source}: ${approved} approved, ` +
    `${rejected} rejected (left out), ${edited} edited; ${unreviewed} not reviewed${answers}\n`
  );
}

function report(result: ExportResult): void {
  const splits = Object.entries(result.splits)
    .map(([name, rows]) => `${name} ${rows}`)
    .join(", ");
  process.stdout.write(
    `${reviewLine(result)}wrote ${result.samples} samples (${splits}) to ${result.outDir}\n` +
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
In Python, datasets.load_dataset("<out>") loads the default config, load_dataset("<out>", "<format>") any other.

Human review: the run's review events are read from its stream (NATS_URL, else the .nats store of the runs
folder holding <runDir>) and applied: rejected samples are left out, edits are in, and the card counts them.
--no-reviews exports the samples as the run kept them.`;

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
    .option(
      "--no-reviews",
      "export the samples as the run kept them, leaving out the decisions of human review (the card says so)",
    )
    .addOption(new Option("--no-card").hideHelp())
    .addHelpText("after", LAYOUT_HELP)
    .action(async (runDir: string, flags: ExportFlags) => {
      if (flags.card === false)
        throw new ConfigError(
          "--no-card: the card is what lists the configs datasets.load_dataset reads, so every export writes it; leave --no-card out",
        );
      const request: ExportRequest = {
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
      };
      // Flags first, then the reviews, before anything is written: either mistake stops the export with nothing made.
      checkRequest(request);
      const reviews = flags.reviews === false ? "ignored" : await streamReviews(runDir, process.env);
      const result = await exportRun({ ...request, reviews });
      report(result);
      if (!reviews) process.stderr.write(`warning: ${noStreamWarning(runDir)}\n`);
    });
}
