import { mkdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { LICENSE_ID, LICENSE_ID_MAX_LENGTH } from "../../config/dataset-config.ts";
import { writeFileAtomic } from "../../core/atomic-file.ts";
import { ConfigError } from "../../protocol/errors.ts";
import type { ReviewedSample } from "../reviews.ts";
import { DatasetCardInput } from "./card-input.ts";
import { hfFeature } from "./columns.ts";
import { renderDatasetCard } from "./dataset-card.ts";
import { type ExportReviews, type ReviewOutcome, reviewedSamples } from "./export-reviews.ts";
import { CARD_FILE, ExportFormat, encodeSplit, FORMATS } from "./formats.ts";
import {
  assertMayWrite,
  type ExportedConfig,
  type ExportedDataset,
  type Manifest,
  readManifest,
  removeIfOwned,
  sha256,
  staleConfigProblem,
  type WriteFile,
  writeManifest,
} from "./owned-files.ts";
import { nanofluxVersion } from "./provenance.ts";
import {
  DATASET_FILE,
  REPORT_FILE,
  RUN_RECORD_FILE,
  readDatasetFile,
  readReportFile,
  readRunRecord,
} from "./run-files.ts";
import { splitSamples, validationCount } from "./splits.ts";
import { DEFAULT_SYSTEM_PROMPT } from "./training-text.ts";

/**
 * `nanoflux export` without the command line: reads a run folder, applies the human reviews it is given
 * (rejected samples left out, edits in), writes one config per format into the export folder (Parquet for
 * `datasets`, JSON Lines beside it for the JSONL formats), and writes the card for every config the folder
 * holds. Every check (the inputs, a run folder, a folder to write into, no file in the way, a sample left after
 * review) passes before any folder or file is made. The manifest is written before the files (naming what is being
 * written) and after them, so an export that stops part way leaves files the next export owns.
 */

export interface ExportRequest {
  runDir: string;
  formats: readonly ExportFormat[];
  /** The export folder; default `<runDir>/export`. */
  out?: string;
  /** System message of every example; "" (or blank): the examples have no system turn. */
  systemPrompt?: string;
  /** Overwrite files that no earlier export wrote, and replace an export of another dataset. */
  force?: boolean;
  /** Share of samples for the validation split, 0 <= f < 1; default the topology's dataset.validation, or 0. */
  validation?: number;
  /** Seed of the split; default the topology's dataset.splitSeed, or 1. */
  splitSeed?: number;
  /** Licence id for the card; default the topology's dataset.license. */
  license?: string;
  /**
   * Reviews to apply: `{ book, source }` (the run's reviews folded by curation/reviews.ts, and where they came
   * from, for the card), or "ignored" (exported as the run kept them, on request). Absent: none were read.
   */
  reviews?: ExportReviews;
}

export interface ExportResult {
  outDir: string;
  cardFile: string;
  samples: number;
  /** What reviews did: the counts when they were applied. */
  review: ReviewOutcome;
  /** Rows per split of this export. */
  splits: Record<string, number>;
  /** Every config the folder now holds, the default first. */
  configs: ExportFormat[];
  /** Paths written, relative to outDir (the manifest aside). */
  written: string[];
  /** Files of earlier exports no config describes any more, removed. */
  removed: string[];
  /** Earlier configs left off the card: a file of theirs was missing or changed. */
  dropped: ExportFormat[];
  /** What the user should know: no licence, decontamination off, a file left behind. */
  warnings: string[];
}

/** What a run folder's export defaults to. */
export function defaultOutDir(runDir: string): string {
  return join(runDir, "export");
}

/** How the export writes a file whole; a test passes one that fails part way. */
export interface ExportIo {
  writeFile: WriteFile;
}

/** The request's own mistakes (its flags), found before anything is read: checkable before reading reviews. */
export function checkRequest(request: ExportRequest): void {
  if (request.formats.length === 0)
    throw new ConfigError(`--format: name at least one of ${ExportFormat.options.join(", ")}`);
  const { validation, splitSeed, license, out } = request;
  if (validation !== undefined && !(Number.isFinite(validation) && validation >= 0 && validation < 1))
    throw new ConfigError(
      `--validation ${validation}: give the share of samples for the validation split, from 0 up to (not including) 1, e.g. --validation 0.1`,
    );
  if (splitSeed !== undefined && !Number.isSafeInteger(splitSeed))
    throw new ConfigError(`--split-seed ${splitSeed}: give a whole number, e.g. --split-seed 1`);
  if (license !== undefined && !(LICENSE_ID.test(license) && license.length <= LICENSE_ID_MAX_LENGTH))
    throw new ConfigError(
      `--license ${JSON.stringify(license)}: give a Hugging Face licence id, lower case, such as apache-2.0, cc-by-4.0, mit or other`,
    );
  if (out !== undefined && /\.(jsonl|json|parquet|md)$/i.test(basename(out)))
    throw new ConfigError(
      `--out ${out}: --out names the export folder (it gets README.md and a folder per format), not a file; pass a folder, e.g. --out ${join(dirname(out), "export")}`,
    );
}

/**
 * What identifies the samples, reviewed: every config in one folder must be of the same ones. An unreviewed
 * sample counts as it did before reviews, so a folder exported then is still of the same dataset.
 */
function datasetIdentity(samples: readonly ReviewedSample[], runId: string | undefined): ExportedDataset {
  const text = samples.map((s) => JSON.stringify(s.review ? s : s.sample)).join("\n");
  return { runId, samples: samples.length, sha256: sha256(Buffer.from(text, "utf8")) };
}

function byFormatOrder(a: ExportedConfig, b: ExportedConfig): number {
  return ExportFormat.options.indexOf(a.format) - ExportFormat.options.indexOf(b.format);
}

function filesOf(configs: readonly ExportedConfig[]): string[] {
  return configs.flatMap((c) => c.splits.flatMap((s) => s.files));
}

/**
 * The earlier configs this export does not replace, split into those whose files are all as their export
 * wrote them and those to leave off the card (a file missing or changed: the card would name a file that is
 * not there, and `load_dataset` would fail), with the reason.
 */
async function earlierConfigs(
  outDir: string,
  manifest: Manifest | undefined,
  formats: ReadonlySet<ExportFormat>,
): Promise<{ intact: ExportedConfig[]; stale: { format: ExportFormat; why: string }[] }> {
  const intact: ExportedConfig[] = [];
  const stale: { format: ExportFormat; why: string }[] = [];
  if (!manifest) return { intact, stale };
  for (const config of Object.values(manifest.configs).filter((c) => !formats.has(c.format))) {
    const why = await staleConfigProblem(outDir, config, manifest);
    if (why) stale.push({ format: config.format, why });
    else intact.push(config);
  }
  return { intact, stale };
}

/** The configs of earlier exports that stay, and those this export replaces or drops. */
function mergeConfigs(
  manifest: Manifest | undefined,
  others: readonly ExportedConfig[],
  fresh: readonly ExportedConfig[],
  identity: ExportedDataset,
  outDir: string,
  force: boolean,
): ExportedConfig[] {
  const previous = manifest?.dataset;
  const otherDataset = others.length > 0 && previous !== undefined && previous.sha256 !== identity.sha256;
  if (otherDataset && !force)
    throw new ConfigError(
      `${outDir} holds the ${others.map((c) => c.format).join(", ")} export of another dataset ` +
        `(${previous.runId ? `run ${previous.runId}, ` : ""}${previous.samples} samples), and one card describes one dataset; ` +
        "nothing was written: choose another --out, or pass --force to replace that export (its files are removed)",
    );
  return [...(otherDataset ? [] : others), ...fresh].sort(byFormatOrder);
}

export async function exportRun(
  request: ExportRequest,
  io: ExportIo = { writeFile: writeFileAtomic },
): Promise<ExportResult> {
  checkRequest(request);
  const formats = [...new Set(request.formats)];
  const force = request.force ?? false;
  const kept = await readDatasetFile(join(request.runDir, DATASET_FILE));
  const report = (await readReportFile(join(request.runDir, REPORT_FILE))) ?? DatasetCardInput.parse({});
  const record = await readRunRecord(join(request.runDir, RUN_RECORD_FILE));
  if (kept.length === 0)
    throw new ConfigError(
      `${join(request.runDir, DATASET_FILE)} holds no samples: nothing to export; let the run keep some first`,
    );
  const { samples, outcome: review } = reviewedSamples(kept, request.reviews);
  if (samples.length === 0 && review.state === "applied")
    throw new ConfigError(
      `reviewers rejected all ${kept.length} samples of ${request.runDir} (reviews from ${review.source}): nothing to export; ` +
        "approve some in the dashboard, or pass --no-reviews to export the samples as the run kept them",
    );
  const dataset = record?.topology.dataset;
  const validation = request.validation ?? dataset?.validation ?? 0;
  const splitSeed = request.splitSeed ?? dataset?.splitSeed ?? 1;
  if (validation > 0 && validationCount(samples.length, validation) === 0)
    throw new ConfigError(
      `--validation ${validation}: ${samples.length} sample(s) are too few to split; leave --validation out`,
    );
  const license = request.license
    ? { id: request.license, from: "--license" as const }
    : dataset?.license
      ? { id: dataset.license, from: "dataset.license" as const }
      : undefined;
  const outDir = resolve(request.out ?? defaultOutDir(request.runDir));
  // A blank system message is none: an empty system turn in every example would teach nothing.
  const system =
    request.systemPrompt === undefined
      ? DEFAULT_SYSTEM_PROMPT
      : request.systemPrompt.trim() === ""
        ? ""
        : request.systemPrompt;
  const version = await nanofluxVersion();
  const modelNames = new Map(record?.started.models.map((m) => [m.id, m.model]) ?? []);
  const splits = splitSamples(samples, { validation, seed: splitSeed });
  // A hostile or foreign manifest stops the export here, before anything is encoded or written.
  const manifest = await readManifest(outDir);

  // Everything is encoded in memory first: nothing is written unless every file can be.
  const files = new Map<string, Uint8Array>();
  const fresh: ExportedConfig[] = [];
  for (const format of formats) {
    const configSplits: ExportedConfig["splits"] = [];
    for (const split of splits) {
      const encoded = await encodeSplit(format, split.name, split.samples, {
        system,
        modelNames,
        createdBy: `nanoflux ${version}`,
      });
      for (const [name, bytes] of encoded) files.set(name, bytes);
      configSplits.push({ name: split.name, numExamples: split.samples.length, files: [...encoded.keys()] });
    }
    fresh.push({
      format,
      splits: configSplits,
      features: FORMATS[format].columns.map(hfFeature),
      validation,
      splitSeed,
      system,
    });
  }
  const identity = datasetIdentity(samples, record?.started.runId ?? kept[0]?.runId);
  const { intact, stale } = await earlierConfigs(outDir, manifest, new Set(formats));
  const configs = mergeConfigs(manifest, intact, fresh, identity, outDir, force);
  const card = renderDatasetCard({
    samples: samples.map((s) => s.sample),
    report,
    record,
    configs,
    license,
    exportedWith: version,
    review,
  });
  files.set(CARD_FILE, Buffer.from(card, "utf8"));
  const names = [...files.keys()];
  await assertMayWrite(outDir, names, manifest, force);

  await mkdir(outDir, { recursive: true });
  for (const folder of new Set(names.map((name) => dirname(name))))
    await mkdir(join(outDir, folder), { recursive: true });
  const fileHashes = new Map([...files].map(([name, bytes]) => [name, sha256(bytes)]));
  // First the manifest as it was, plus what is about to be written: whichever file a stop part way leaves
  // old or new is still the export's own.
  const before: Manifest = manifest ?? { version: 2, files: {}, configs: {}, writing: {} };
  const writing = { ...before.writing };
  for (const [name, hash] of fileHashes) writing[name] = [...new Set([...(writing[name] ?? []), hash])];
  await writeManifest(outDir, { ...before, writing }, io.writeFile);
  for (const [name, bytes] of files) await io.writeFile(join(outDir, name), bytes);

  const hashes: Record<string, string> = { ...before.files };
  const removed: string[] = [];
  const warnings: string[] = [];
  for (const { format, why } of stale)
    warnings.push(
      `dropped the ${format} config from the card: ${why}; export --format ${format} again to restore it`,
    );
  // Files of earlier exports that no config describes any more (a split or a config replaced or dropped, an
  // older layout, an export that stopped part way).
  const described = new Set([...filesOf(configs), CARD_FILE]);
  const earlier = new Set([...Object.keys(before.files), ...Object.keys(before.writing)]);
  for (const name of [...earlier].filter((n) => !described.has(n)).sort()) {
    delete hashes[name];
    const outcome = await removeIfOwned(outDir, name, before);
    if (outcome === "removed") removed.push(name);
    if (outcome === "changed")
      warnings.push(`left ${join(outDir, name)} in place: it changed since an earlier export wrote it`);
  }
  for (const [name, hash] of fileHashes) hashes[name] = hash;
  await writeManifest(
    outDir,
    {
      version: 2,
      files: hashes,
      dataset: identity,
      configs: Object.fromEntries(configs.map((c) => [c.format, c])),
      writing: {},
    },
    io.writeFile,
  );

  if (!license)
    warnings.unshift(
      "no licence: the card says `license: unknown`; set dataset.license in the topology (e.g. apache-2.0, cc-by-4.0) or pass --license",
    );
  const benchmarks = record?.topology.curation?.decontamination?.benchmarks;
  if (benchmarks?.length === 0 || report.decontamination?.benchmarks.length === 0)
    warnings.push(
      "decontamination was off for this run (no benchmarks configured): the card says so; do not evaluate on public benchmarks without checking",
    );
  if (system === "")
    warnings.push(
      `--system ${JSON.stringify(request.systemPrompt)}: the examples have no system message (no system turn); leave --system out for the default one`,
    );
  if (!record)
    warnings.push(
      `${join(request.runDir, RUN_RECORD_FILE)} not found (a run from before it was recorded): the card says which models, settings and versions are unknown`,
    );
  return {
    outDir,
    cardFile: join(outDir, CARD_FILE),
    samples: samples.length,
    review,
    splits: Object.fromEntries(splits.map((s) => [s.name, s.samples.length])),
    configs: configs.map((c) => c.format),
    written: names,
    removed,
    dropped: stale.map((s) => s.format),
    warnings,
  };
}
