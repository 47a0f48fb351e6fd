import { stringify } from "yaml";
import { CENSOR, redactSecrets, urlsForRecord } from "../../log/redaction.ts";
import type { DecontaminationReport } from "../../protocol/run-report.ts";
import type { Sample } from "../../protocol/schemas.ts";
import type { DatasetCardInput } from "./card-input.ts";
import type { ReviewOutcome } from "./export-reviews.ts";
import { CARD_FILE, FORMATS } from "./formats.ts";
import { code, oneLine, table, truncate } from "./markdown.ts";
import type { ExportedConfig } from "./owned-files.ts";
import { reviewSection } from "./review-card.ts";
import type { RecordedTopology, RunRecord } from "./run-files.ts";

/**
 * The dataset card (README.md): Hugging Face front matter that `datasets.load_dataset` reads (licence, configs
 * with their data files per split, features and split sizes), then what is in the dataset, how it was made
 * (models, endpoints, a summary of the generation settings and, folded away, the whole recorded topology;
 * prompt-pack and NanoFlux versions), how novel it is, what was kept out, what human review decided and what it
 * cost. The front matter is built as an object and written by the `yaml` package, so no name or description can
 * add a key; every text is scrubbed of secrets (keys, user:password@ in URLs), and every URL of the recorded
 * topology is shown without its credentials, query or fragment.
 */

export { CARD_FILE };

export interface CardInput {
  /** The dataset's samples: those the run kept, less those reviewers rejected, with reviewers' edits in. */
  samples: readonly Sample[];
  /** report.json; `DatasetCardInput.parse({})` when the run left none. */
  report: DatasetCardInput;
  /** run.json; undefined for a run from before it was written. */
  record: RunRecord | undefined;
  /** Every config in the export folder, the default first. */
  configs: readonly ExportedConfig[];
  /** The licence (Hugging Face id) and where it came from; undefined: nobody set one. */
  license: { id: string; from: "--license" | "dataset.license" } | undefined;
  /** NanoFlux's version doing the export. */
  exportedWith: string;
  /** Whether human reviews were applied, and what they did. */
  review: ReviewOutcome;
}

// ---------------------------------------------------------------------------------------------------------
// Counts

function countBy(samples: readonly Sample[], key: (s: Sample) => string | number): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(String(key(s)), (counts.get(String(key(s))) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b, undefined, { numeric: true }));
}

function share(count: number, total: number): string {
  return total === 0 ? "0%" : `${((100 * count) / total).toFixed(1)}%`;
}

function countTable(title: string, samples: readonly Sample[], key: (s: Sample) => string | number): string {
  return `### By ${title}\n\n${table(
    [title, "samples", "share"],
    countBy(samples, key).map(([k, n]) => [k, n, share(n, samples.length)]),
  )}`;
}

function sizeCategory(n: number): string {
  if (n < 1_000) return "n<1K";
  if (n < 10_000) return "1K<n<10K";
  return n < 100_000 ? "10K<n<100K" : "100K<n<1M";
}

function mixText(mix: Record<string, number> | undefined): string | undefined {
  if (!mix || Object.keys(mix).length === 0) return undefined;
  return Object.entries(mix)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}

// ---------------------------------------------------------------------------------------------------------
// Names

function topologyOf(input: CardInput): RecordedTopology | undefined {
  return input.record?.topology;
}

export function prettyName(input: CardInput): string {
  const dataset = topologyOf(input)?.dataset;
  const topologyName = input.record?.started.topologyName;
  const runId = input.record?.started.runId ?? input.report.runId;
  return oneLine(
    dataset?.prettyName ??
      input.report.title ??
      (topologyName ? `${topologyName} (NanoFlux)` : `NanoFlux dataset${runId ? ` ${runId}` : ""}`),
  );
}

/** Where a model was served: the built-in simulator, or its endpoint without credentials, query or fragment. */
export function endpointText(topology: RecordedTopology, baseUrl: string | undefined, model: string): string {
  if (baseUrl === undefined) return "unknown";
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    return urlsForRecord(baseUrl);
  }
  const simulated = topology.simulator?.models;
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (
    topology.simulator &&
    loopback &&
    (!simulated || simulated.length === 0 || simulated.some((m) => m.name === model))
  )
    return "NanoFlux's built-in simulator (offline; simulated answers, not a real model)";
  return `${url.protocol}//${url.host}${url.pathname}`;
}

// ---------------------------------------------------------------------------------------------------------
// Front matter

function frontMatter(input: CardInput): Record<string, unknown> {
  const domains = [...new Set(input.samples.map((s) => s.domain))].sort();
  return {
    license: input.license?.id ?? "unknown",
    pretty_name: prettyName(input),
    language: ["en"],
    task_categories: ["question-answering", "text-generation"],
    size_categories: [sizeCategory(input.samples.length)],
    tags: [...new Set(["reasoning", "synthetic", "nanoflux", ...domains])],
    configs: input.configs.map((config, i) => ({
      config_name: config.format,
      ...(i === 0 && { default: true }),
      data_files: config.splits.map((split) => ({ split: split.name, path: split.files[0] })),
    })),
    dataset_info: input.configs.map((config) => ({
      config_name: config.format,
      features: config.features,
      splits: config.splits.map((split) => ({ name: split.name, num_examples: split.numExamples })),
    })),
  };
}

/** Every string in a JSON-like value passed through `f`. */
function mapStrings(value: unknown, f: (text: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Sections

function introSection(input: CardInput): string {
  const description = topologyOf(input)?.dataset?.description;
  const domains = countBy(input.samples, (s) => s.domain).map(([d]) => d);
  return [
    `# ${prettyName(input)}`,
    "",
    ...(description ? [description.trim(), ""] : []),
    `${input.samples.length} multi-step reasoning problems (${domains.join(", ") || "no domains"}), each with a step-by-step ` +
      "solution and a verified final answer, made by NanoFlux: an Attacker model wrote each question, " +
      "a Defender answered it, and a tool-using Judge re-derived the answer blind and graded the reasoning (L1–L5).",
  ].join("\n");
}

function licenseSection(input: CardInput): string {
  if (input.license) return `## Licence\n\n${code(input.license.id)} (from ${code(input.license.from)}).`;
  return [
    "## Licence",
    "",
    "> **No licence was set** (`license: unknown`). Nobody may assume they can use this dataset until one is: set",
    "> `dataset.license` in the topology (a Hugging Face licence id such as `apache-2.0`, `cc-by-4.0`, `mit`) or pass",
    "> `--license` to `nanoflux export`, and check the terms of the models that wrote it.",
  ].join("\n");
}

function usageSection(input: CardInput): string {
  const [first, ...rest] = input.configs;
  const lines = [
    "from datasets import load_dataset",
    "",
    `ds = load_dataset("path/to/this/folder")  # the default config, ${first ? `"${first.format}"` : "none"}`,
    ...rest.map((c) => `${c.format.replace(/-/g, "_")} = load_dataset("path/to/this/folder", "${c.format}")`),
  ];
  const hasValidation = input.configs.some((c) => c.splits.some((s) => s.name === "validation"));
  return [
    "## Usage",
    "",
    "```python",
    ...lines,
    "```",
    "",
    `Each config is one export format; pass its name as the second argument. On the Hugging Face Hub, use the repository id instead of the folder.${hasValidation ? ' Splits: `ds["train"]`, `ds["validation"]`.' : ""}`,
  ].join("\n");
}

function filesSection(input: CardInput): string {
  const rows = input.configs.map((config) => {
    const splits = config.splits.map((s) => `${s.name}: ${s.numExamples}`).join(", ");
    const parquet = config.splits.map((s) => s.files[0] ?? "").join(", ");
    const jsonl = config.splits.flatMap((s) => s.files.slice(1)).join(", ") || "–";
    const split =
      config.validation > 0 ? `validation ${config.validation}, seed ${config.splitSeed}` : "train only";
    return [config.format, splits, parquet, jsonl, split, FORMATS[config.format].summary];
  });
  const systems = [...new Set(input.configs.map((c) => c.system))].map((s) =>
    s === "" ? "none (no system turn)" : code(s),
  );
  return [
    "## Configs and files",
    "",
    table(["config", "rows", "Parquet (what `datasets` reads)", "JSON Lines", "split", "columns"], rows),
    "",
    "Every config's rows are in a Parquet file (ZSTD, lists and structs as native nested types), because `datasets` " +
      "reads a folder with one file type. JSON Lines formats also hold the same rows as `.jsonl` for fine-tuning " +
      "tools. The validation split, when asked for, holds the samples ranked first by sha256(seed, sample id).",
    "",
    `System message of every example: ${systems.join("; ")}.`,
  ].join("\n");
}

function generationSection(input: CardInput): string {
  const record = input.record;
  const topology = record?.topology;
  const curation = topology?.curation;
  const unknown = "unknown (no run.json)";
  const packs = record?.started.provenance;
  const rows: [string, string][] = [
    ["topology", record ? record.started.topologyName : unknown],
    ["run", record?.started.runId ?? input.report.runId ?? "unknown"],
    ["target (accepted samples)", String(record?.started.target ?? input.report.target ?? "unknown")],
    ["domains", record ? record.started.domains.join(", ") : unknown],
    ["levels kept", curation?.levels?.join(", ") ?? unknown],
    ["accept", curation?.accept ?? unknown],
    [
      "complexity mix",
      curation
        ? (mixText(curation.complexityMix) ??
          `not set: complexity steered toward a ${topology?.tournament?.targetDefenderSuccess ?? "target"} Defender success rate`)
        : unknown,
    ],
    ["domain mix", curation ? (mixText(curation.domainMix) ?? "not set") : unknown],
    ["novelty threshold", String(curation?.noveltyThreshold ?? input.report.noveltyThreshold ?? "unknown")],
    [
      "embedder",
      curation?.embedder
        ? `${curation.embedder.kind}${curation.embedder.model ? ` (${curation.embedder.model})` : ""}`
        : unknown,
    ],
    ["seed", String(topology?.run?.seed ?? (record ? "unknown" : unknown))],
    [
      "response cache",
      !record
        ? unknown
        : topology?.responseCache?.enabled === undefined
          ? "unknown (the run recorded none)"
          : topology.responseCache.enabled
            ? "on: answers already paid for were replayed, not bought again"
            : "off",
    ],
    [
      "prompt packs (sha256 of prompts/<domain>/)",
      packs
        ? packs.promptPacks.map((p) => `${p.domain}: ${p.sha256}`).join(", ") || "none"
        : "unknown (the run recorded none)",
    ],
    ["NanoFlux (run)", packs?.nanofluxVersion ?? "unknown (the run recorded none)"],
    ["NanoFlux (export)", input.exportedWith],
  ];
  return [
    "## How it was made",
    "",
    table(["setting", "value"], rows),
    ...(record ? ["", fullConfigBlock(record)] : []),
  ].join("\n");
}

/**
 * A model the built-in simulator served is named as the Models table names it: its loopback address and port
 * were of one process on one machine, and say nothing to a reader.
 */
function withSimulatorNamed(record: RunRecord, config: unknown): unknown {
  const models = (config as { models?: unknown }).models;
  if (!Array.isArray(models)) return config;
  return {
    ...(config as Record<string, unknown>),
    models: models.map((entry: unknown) => {
      const { baseUrl, model } = (entry ?? {}) as { baseUrl?: unknown; model?: unknown };
      if (typeof baseUrl !== "string" || typeof model !== "string") return entry;
      const endpoint = endpointText(record.topology, baseUrl, model);
      return endpoint.startsWith("NanoFlux's built-in simulator")
        ? { ...(entry as Record<string, unknown>), baseUrl: endpoint }
        : entry;
    }),
  };
}

/** The names of the variables that held API keys, which the card does not give, marked as run.json marks secrets. */
function withoutKeyVariables(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutKeyVariables);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === "apiKeyEnv" ? CENSOR : withoutKeyVariables(v)]),
    );
  return value;
}

/**
 * The whole topology as run.json recorded it (secret fields already replaced there), as YAML folded into a
 * `<details>` block: every model's settings, the run's budget and concurrency, the tournament, the response
 * cache. Every URL in it loses its credentials, query and fragment; the fence is longer than any run of
 * backticks in the text, so no value can close it.
 */
function fullConfigBlock(record: RunRecord): string {
  const config = withSimulatorNamed(record, withoutKeyVariables(record.started.config));
  const yaml = stringify(mapStrings(config, urlsForRecord), { lineWidth: 0 }).trimEnd();
  const longest = (yaml.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [
    "The settings above are a summary. The whole generation config, as the run recorded it (secrets and the names of key variables removed):",
    "",
    "<details>",
    "<summary>Full generation config (topology)</summary>",
    "",
    `${fence}yaml`,
    yaml,
    fence,
    "",
    "</details>",
  ].join("\n");
}

function modelsSection(input: CardInput): string {
  const topology = input.record?.topology;
  const names = new Map(input.record?.started.models.map((m) => [m.id, m.model]) ?? []);
  const configured = new Map(topology?.models?.map((m) => [m.id, m]) ?? []);
  const rows = (["attacker", "defender", "judge"] as const).flatMap((role) =>
    countBy(input.samples, (s) => s[role]).map(([id, n]) => {
      const model = names.get(id);
      const entry = configured.get(id);
      return [
        role,
        id,
        model ?? "unknown",
        topology && model ? endpointText(topology, entry?.baseUrl, model) : "unknown",
        n,
      ];
    }),
  );
  return [
    "## Models",
    "",
    table(["role", "topology id", "model", "endpoint", "kept samples"], rows),
    ...(input.record
      ? []
      : ["", "The run folder has no run.json, so the models behind these ids are not known."]),
  ].join("\n");
}

/** Nearest-neighbour similarity of each kept question when it was accepted, in tenths. */
function noveltySection(samples: readonly Sample[], threshold: number | undefined): string {
  const bins = Array.from({ length: 10 }, () => 0);
  for (const s of samples) {
    const bin = Math.min(9, Math.max(0, Math.floor(s.novelty.maxSimilarity * 10)));
    bins[bin] = (bins[bin] as number) + 1;
  }
  const widest = Math.max(1, ...bins);
  const rows = bins.map((n, i) => [
    `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`,
    n,
    "█".repeat(Math.round((20 * n) / widest)),
  ]);
  const limit =
    threshold === undefined ? "" : ` Questions at or above ${threshold} were rejected as duplicates.`;
  return [
    "## Novelty",
    "",
    `Highest cosine similarity of each kept question to the questions kept before it (and to those in flight).${limit}`,
    "",
    table(["similarity", "samples", ""], rows),
  ].join("\n");
}

const DECONTAMINATION_OFF = [
  "> **⚠ Decontamination was OFF for this run.** No benchmark files were configured",
  "> (`curation.decontamination.benchmarks`), so no question was compared with any evaluation set. Do not",
  "> evaluate a model trained on this dataset on public benchmarks without checking for overlap first.",
].join("\n");

function decontaminationSection(input: CardInput): string {
  const report: DecontaminationReport | undefined = input.report.decontamination;
  const configured = input.record?.topology.curation?.decontamination;
  if (report && report.benchmarks.length > 0) {
    const examples = report.rejections
      .slice(0, 10)
      .map((r) => [
        truncate(r.text, 100),
        r.nearest ? `${r.nearest.file}:${r.nearest.line}` : "",
        r.similarity.toFixed(3),
        r.ngramOverlap.toFixed(2),
      ]);
    return [
      "## Decontamination",
      "",
      `Every question was compared with these benchmarks; one was rejected when its embedding similarity reached ${report.similarityThreshold} ` +
        `or it shared ${report.ngramOverlap * 100}% of its ${report.ngramSize}-word n-grams (numbers normalised) with a benchmark item.`,
      "",
      table(
        ["benchmark", "items", "malformed lines"],
        report.benchmarks.map((b) => [b.file, b.items, b.malformedLines]),
      ),
      "",
      `Checked ${report.checked} questions; rejected ${report.rejected} (${share(report.rejected, report.checked)}).`,
      ...(examples.length > 0
        ? [
            "",
            table(["rejected question", "nearest benchmark item", "similarity", "n-gram overlap"], examples),
          ]
        : []),
    ].join("\n");
  }
  if (report || configured?.benchmarks.length === 0) return `## Decontamination\n\n${DECONTAMINATION_OFF}`;
  if (configured)
    return [
      "## Decontamination",
      "",
      `The run was configured to check questions against ${configured.benchmarks.map((b) => code(b)).join(", ")}, ` +
        "but its report holds no record of the checks: treat the dataset as unchecked.",
    ].join("\n");
  return [
    "## Decontamination",
    "",
    "> **⚠ Decontamination status unknown.** This run recorded neither its settings (run.json) nor a",
    "> decontamination report: treat the dataset as not checked against any evaluation set.",
  ].join("\n");
}

function curationSection(input: CardInput): string {
  const rejected = Object.entries(input.report.byReason).sort(
    ([a, x], [b, y]) => y - x || a.localeCompare(b),
  );
  const rounds = input.report.rounds === undefined ? "" : ` out of ${input.report.rounds} rounds`;
  const target = input.record?.started.target ?? input.report.target;
  const rejectedByReview = input.review.state === "applied" ? input.review.counts.rejected : 0;
  const afterReview =
    rejectedByReview === 0
      ? ""
      : ` Reviewers rejected ${rejectedByReview} of them afterwards (see Human review): this dataset holds the other ${input.samples.length}.`;
  return [
    "## Curation",
    "",
    `Kept ${input.samples.length + rejectedByReview} samples${rounds}${target ? ` (target ${target})` : ""}.${afterReview}`,
    ...(rejected.length > 0 ? ["", table(["rejection reason", "rounds"], rejected)] : []),
  ].join("\n");
}

function costSection(input: CardInput): string {
  const { report } = input;
  const names = new Map(input.record?.started.models.map((m) => [m.id, m.model]) ?? []);
  const cachedCalls = report.cachedCalls ?? report.usage.reduce((n, u) => n + (u.cachedCalls ?? 0), 0);
  const savedTokens = report.savedTokens ?? report.usage.reduce((n, u) => n + (u.savedTokens ?? 0), 0);
  const cached = cachedCalls > 0;
  const usage = report.usage.map((u) => [
    u.model,
    names.get(u.model) ?? "unknown",
    u.role,
    u.calls,
    u.promptTokens,
    u.completionTokens,
    u.costUsd == null ? "–" : `$${u.costUsd.toFixed(4)}`,
    ...(cached ? [u.cachedCalls ?? 0, u.savedTokens ?? 0] : []),
  ]);
  const total =
    report.totalCostUsd == null ? "unknown (no prices configured)" : `$${report.totalCostUsd.toFixed(4)}`;
  const headers = ["topology id", "model", "role", "calls", "prompt tokens", "completion tokens", "cost"];
  return [
    "## Cost",
    "",
    ...(usage.length > 0
      ? [table(cached ? [...headers, "cached answers", "tokens saved"] : headers, usage), ""]
      : []),
    `Total tokens: ${report.totalTokens ?? "unknown"}; total cost: ${total}.`,
    ...(cached
      ? [
          "",
          `${cachedCalls === 1 ? "1 answer" : `${cachedCalls} answers`} came from the response cache: paid for when ` +
            "first asked (by this run or an earlier one), they are in neither the calls, the tokens nor the cost " +
            `above; they saved ${savedTokens} tokens.`,
        ]
      : []),
  ].join("\n");
}

function unknownsSection(input: CardInput): string[] {
  if (input.record) return [];
  return [
    "## What is not known",
    "",
    "This run folder has no run.json (runs before NanoFlux recorded one): the models behind the topology ids and " +
      "their endpoints, the generation settings (levels kept, complexity mix, seed), the prompt-pack versions, the " +
      "NanoFlux version of the run and the licence set in its topology are not known.",
    "",
  ];
}

export function renderDatasetCard(input: CardInput): string {
  const scrub = (text: string) => redactSecrets(text);
  const yaml = stringify(mapStrings(frontMatter(input), scrub), { lineWidth: 0 });
  const samples = input.samples;
  const body = [
    introSection(input),
    "",
    licenseSection(input),
    "",
    usageSection(input),
    "",
    filesSection(input),
    "",
    "## Contents",
    "",
    countTable("level", samples, (s) => s.verdict.level),
    "",
    countTable("complexity", samples, (s) => s.complexity),
    "",
    countTable("domain", samples, (s) => s.domain),
    "",
    countTable("outcome", samples, (s) => s.verdict.outcome),
    "",
    countTable("skill", samples, (s) => s.skill),
    "",
    generationSection(input),
    "",
    modelsSection(input),
    "",
    decontaminationSection(input),
    "",
    noveltySection(
      samples,
      input.record?.topology.curation?.noveltyThreshold ?? input.report.noveltyThreshold,
    ),
    "",
    curationSection(input),
    "",
    reviewSection(input.review, input.configs),
    "",
    costSection(input),
    "",
    ...unknownsSection(input),
  ].join("\n");
  return `---\n${yaml}---\n\n${scrub(body)}`;
}
