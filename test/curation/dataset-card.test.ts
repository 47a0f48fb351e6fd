import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { DatasetCardInput } from "../../curation/export/card-input.ts";
import { hfFeature } from "../../curation/export/columns.ts";
import { type CardInput, endpointText, renderDatasetCard } from "../../curation/export/dataset-card.ts";
import { FORMATS } from "../../curation/export/formats.ts";
import type { ExportedConfig } from "../../curation/export/owned-files.ts";
import { RecordedTopology, type RunRecord } from "../../curation/export/run-files.ts";
import {
  KEY_ENV,
  REPORT,
  runStarted,
  SECRET_KEY,
  SECRET_PASSWORD,
  topologyWith,
} from "../export/support/run-folder.ts";
import { choiceSample, sample } from "./support/samples.ts";

const samples = [sample(1), sample(2, { skill: "ratios", complexity: 4 }), choiceSample];

function config(format: ExportedConfig["format"], train: number, validation = 0): ExportedConfig {
  return {
    format,
    splits: [
      {
        name: "train",
        numExamples: train,
        files: FORMATS[format].encodings.map((e) => `${format}/train.${e}`),
      },
      ...(validation > 0
        ? [
            {
              name: "validation" as const,
              numExamples: validation,
              files: FORMATS[format].encodings.map((e) => `${format}/validation.${e}`),
            },
          ]
        : []),
    ],
    features: FORMATS[format].columns.map(hfFeature),
    validation: validation > 0 ? validation / (train + validation) : 0,
    splitSeed: 1,
    system: "Solve it.",
  };
}

function record(dataset: Record<string, unknown> = { license: "cc-by-4.0" }): RunRecord {
  const started = runStarted(topologyWith(dataset));
  return { started, topology: RecordedTopology.parse(started.config) };
}

function input(overrides: Partial<CardInput> = {}): CardInput {
  return {
    samples,
    report: DatasetCardInput.parse(REPORT),
    record: record(),
    configs: [config("parquet", 2, 1), config("openai-chat", 3)],
    license: { id: "cc-by-4.0", from: "dataset.license" },
    exportedWith: "9.9.9",
    review: { state: "unread" },
    ...overrides,
  };
}

/** The card's front matter, parsed as YAML, and its body. */
function split(card: string): { front: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(card);
  if (!match) throw new Error("no front matter");
  return { front: parseYaml(match[1] ?? "") as Record<string, unknown>, body: match[2] ?? "" };
}

function section(card: string, title: string): string {
  return card.split(`\n## ${title}`)[1]?.split("\n## ")[0] ?? "";
}

describe("the card's front matter", () => {
  const { front } = split(renderDatasetCard(input()));

  test("holds license, pretty_name, configs with data_files per split, and dataset_info", () => {
    expect(front).toMatchObject({
      license: "cc-by-4.0",
      pretty_name: "gsm-hard-mix (NanoFlux)",
      language: ["en"],
      size_categories: ["n<1K"],
      tags: ["reasoning", "synthetic", "nanoflux", "math", "medical"],
    });
    expect(front.configs).toEqual([
      {
        config_name: "parquet",
        default: true,
        data_files: [
          { split: "train", path: "parquet/train.parquet" },
          { split: "validation", path: "parquet/validation.parquet" },
        ],
      },
      { config_name: "openai-chat", data_files: [{ split: "train", path: "openai-chat/train.parquet" }] },
    ]);
    const info = front.dataset_info as { config_name: string; features: unknown[]; splits: unknown[] }[];
    expect(info.map((i) => i.config_name)).toEqual(["parquet", "openai-chat"]);
    expect(info[0]?.splits).toEqual([
      { name: "train", num_examples: 2 },
      { name: "validation", num_examples: 1 },
    ]);
    expect(info[1]?.features).toEqual([
      {
        name: "messages",
        list: [
          { name: "role", dtype: "string" },
          { name: "content", dtype: "string" },
        ],
      },
    ]);
  });

  test("a name, description or pretty name crafted to add keys stays one value", () => {
    const hostile = "x\nlicense: mit\nconfigs: []\n---\ninjected: true";
    const started = runStarted(
      topologyWith(
        { license: "apache-2.0", prettyName: hostile, description: `${hostile}\n---\n# fake` },
        { name: hostile },
      ),
    );
    const card = renderDatasetCard(
      input({ record: { started, topology: RecordedTopology.parse(started.config) }, license: undefined }),
    );
    const { front, body } = split(card);
    expect(Object.keys(front).sort()).toEqual(
      [
        "configs",
        "dataset_info",
        "language",
        "license",
        "pretty_name",
        "size_categories",
        "tags",
        "task_categories",
      ].sort(),
    );
    expect(front.license).toBe("unknown");
    expect(front.pretty_name).toBe("x license: mit configs: [] --- injected: true");
    expect((front.configs as unknown[]).length).toBe(2);
    // One front matter block: the first closing line is ours.
    expect(card.split("\n").indexOf("---", 1)).toBe(
      card.split("\n").findIndex((l, i) => i > 0 && l === "---"),
    );
    expect(body).toContain("injected: true");
  });
});

describe("the card's body", () => {
  const card = renderDatasetCard(input());

  test("a usage snippet for the default config and each other config", () => {
    const usage = section(card, "Usage");
    expect(usage).toContain('ds = load_dataset("path/to/this/folder")  # the default config, "parquet"');
    expect(usage).toContain('openai_chat = load_dataset("path/to/this/folder", "openai-chat")');
  });

  test("the real model per role, with endpoints and no credentials", () => {
    const models = section(card, "Models");
    expect(models).toContain("| attacker | alpha | Qwen/Qwen3-4B | https://llm.example.com:8443/v1 | 3 |");
    expect(models).toContain(
      "| defender | beta | meta-llama/Llama-3.1-8B-Instruct | https://api.example.org/v1 | 3 |",
    );
    expect(models).toContain("| judge | judge | gpt-4.1 | https://api.example.org/v1 | 3 |");
    expect(card).not.toContain(SECRET_PASSWORD);
    expect(card).not.toContain("alice");
    expect(card).not.toContain(KEY_ENV);
  });

  test("a key in the environment that found its way into a text is censored", () => {
    process.env[KEY_ENV] = SECRET_KEY;
    try {
      const started = runStarted(topologyWith({ license: "mit", description: `key ${SECRET_KEY} leaked` }));
      const leaky = renderDatasetCard(
        input({ record: { started, topology: RecordedTopology.parse(started.config) } }),
      );
      expect(leaky).not.toContain(SECRET_KEY);
      expect(leaky).toContain("key [redacted] leaked");
    } finally {
      delete process.env[KEY_ENV];
    }
  });

  test("the simulator is named as such", () => {
    const topology = RecordedTopology.parse({ simulator: { models: [{ name: "sim-alpha" }] } });
    expect(endpointText(topology, "http://127.0.0.1:40123/v1", "sim-alpha")).toMatch(/built-in simulator/);
    expect(endpointText(topology, "http://127.0.0.1:40123/v1", "local-vllm-model")).toBe(
      "http://127.0.0.1:40123/v1",
    );
    expect(endpointText(RecordedTopology.parse({}), "http://127.0.0.1:40123/v1", "sim-alpha")).toBe(
      "http://127.0.0.1:40123/v1",
    );
  });

  test("the whole generation config and the versions", () => {
    const made = section(card, "How it was made");
    for (const row of [
      "| levels kept | L4, L5 |",
      "| complexity mix | 3: 0.5, 4: 0.5 |",
      "| domains | math, medical |",
      "| target (accepted samples) | 3 |",
      "| seed | 42 |",
      `| prompt packs (sha256 of prompts/<domain>/) | math: ${"a".repeat(64)}, medical: ${"b".repeat(64)} |`,
      "| NanoFlux (run) | 0.1.0 |",
      "| NanoFlux (export) | 9.9.9 |",
    ])
      expect(made).toContain(row);
  });

  test("configs, files and splits", () => {
    const files = section(card, "Configs and files");
    expect(files).toContain(
      "| parquet | train: 2, validation: 1 | parquet/train.parquet, parquet/validation.parquet | – | validation 0.3333333333333333, seed 1 |",
    );
    expect(files).toContain(
      "| openai-chat | train: 3 | openai-chat/train.parquet | openai-chat/train.jsonl | train only |",
    );
  });

  test("counts by level, complexity and domain", () => {
    expect(card).toContain("| L4 | 2 | 66.7% |");
    expect(card).toContain("| L5 | 1 | 33.3% |");
    expect(card).toContain(
      "### By complexity\n\n| complexity | samples | share |\n|---|---|---|\n| 4 | 2 | 66.7% |",
    );
    expect(card).toContain("| medical | 1 | 33.3% |");
  });

  test("decontamination: the checks when they ran, a loud warning when they were off", () => {
    expect(section(card, "Decontamination")).toContain("Checked 12 questions; rejected 1 (8.3%).");
    const started = runStarted(topologyWith({}, {}));
    (started.config.curation as { decontamination: { benchmarks: string[] } }).decontamination.benchmarks =
      [];
    const off = renderDatasetCard(
      input({
        record: { started, topology: RecordedTopology.parse(started.config) },
        report: DatasetCardInput.parse({}),
      }),
    );
    expect(section(off, "Decontamination")).toContain("**⚠ Decontamination was OFF for this run.**");
  });

  test("no licence: license unknown in the front matter, and the body says how to set one", () => {
    const bare = renderDatasetCard(input({ license: undefined }));
    expect(split(bare).front.license).toBe("unknown");
    expect(section(bare, "Licence")).toContain("**No licence was set**");
    expect(section(bare, "Licence")).toContain("`dataset.license`");
  });

  test("a run without run.json: the card says what is unknown", () => {
    const old = renderDatasetCard(
      input({ record: undefined, license: undefined, report: DatasetCardInput.parse({ runId: "run-old" }) }),
    );
    expect(split(old).front.pretty_name).toBe("NanoFlux dataset run-old");
    expect(section(old, "Models")).toContain("| attacker | alpha | unknown | unknown | 3 |");
    expect(section(old, "How it was made")).toContain("| levels kept | unknown (no run.json) |");
    expect(section(old, "What is not known")).toContain("has no run.json");
    expect(section(old, "Decontamination")).toContain("Decontamination status unknown");
  });

  test("escapes table cells", () => {
    const piped = renderDatasetCard(
      input({
        report: DatasetCardInput.parse({
          ...REPORT,
          decontamination: {
            ...REPORT.decontamination,
            rejections: [
              {
                text: "Janet's ducks lay 20 eggs | per day...",
                similarity: 0.97,
                ngramOverlap: 1,
                nearest: { file: "gsm8k", line: 1, text: "x" },
              },
            ],
          },
        }),
      }),
    );
    expect(piped).toContain("| Janet's ducks lay 20 eggs \\| per day... | gsm8k:1 | 0.970 | 1.00 |");
  });
});

/** The YAML of the card's collapsible full-config block, read back between its own fences. */
function configBlock(card: string): { fence: string; yaml: Record<string, unknown> } {
  const match = /<details>\n<summary>[^\n]*<\/summary>\n\n(`{3,})yaml\n([\s\S]*?)\n\1\n\n<\/details>/.exec(
    card,
  );
  if (!match) throw new Error("no full-config block");
  return { fence: match[1] ?? "", yaml: parseYaml(match[2] ?? "") as Record<string, unknown> };
}

/** The parts of a recorded config (run.json's `config`) the tests below change. */
interface RecordedConfig {
  models: [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
  nats: Record<string, unknown>;
  run: Record<string, unknown>;
  dataset: Record<string, unknown>;
  simulator?: unknown;
}

describe("the card's full generation config", () => {
  function recordWith(edit: (config: RecordedConfig) => void): RunRecord {
    const started = runStarted(
      topologyWith(
        { license: "cc-by-4.0" },
        {
          run: { domains: ["math"], seed: 7, concurrency: 9, budget: { usd: 12.5, tokens: 900000 } },
          tournament: { models: ["alpha", "beta"], targetDefenderSuccess: 0.35, pairing: "random" },
          responseCache: { enabled: true, dir: ".cache/responses" },
        },
      ),
    );
    edit(started.config as unknown as RecordedConfig);
    return { started, topology: RecordedTopology.parse(started.config) };
  }

  test("the whole recorded topology, per-model settings, budget, tournament and response cache included", () => {
    const rec = recordWith((config) => {
      Object.assign(config.models[1], { temperature: 0.2, maxTokens: 2048, structuredOutput: "json_object" });
    });
    const card = renderDatasetCard(input({ record: rec }));
    const made = section(card, "How it was made");
    expect(made).toContain(
      "| response cache | on: answers already paid for were replayed, not bought again |",
    );
    const { yaml } = configBlock(made);
    const models = yaml.models as Record<string, unknown>[];
    expect(models[1]).toMatchObject({
      id: "beta",
      temperature: 0.2,
      maxTokens: 2048,
      structuredOutput: "json_object",
      maxConcurrency: 4,
    });
    expect(yaml.run).toMatchObject({ concurrency: 9, seed: 7, budget: { usd: 12.5, tokens: 900000 } });
    expect(yaml.tournament).toMatchObject({
      targetDefenderSuccess: 0.35,
      pairing: "random",
      adaptComplexity: true,
    });
    expect(yaml.responseCache).toMatchObject({ enabled: true });
    expect(yaml.curation).toMatchObject({ levels: ["L4", "L5"], noveltyThreshold: 0.88 });
    // Everything else the run recorded, as it recorded it: the whole config, URLs aside.
    const { models: _m, ...rest } = yaml;
    const { models: _r, ...recorded } = rec.started.config;
    expect(rest).toEqual(recorded);
  });

  test("every URL without user:password@, query or fragment; no secret anywhere in the card", () => {
    const rec = recordWith((config) => {
      config.models[1].baseUrl = "https://api.example.org/v1?key=sk-proj-abcdefghijklmnopqrstuvwx&x=1#top";
      config.nats.url = `nats://bob:${SECRET_PASSWORD}@n1.example.com:4222?t=${SECRET_PASSWORD},nats://n2.example.com:4222`;
      config.run.outDir = `see https://carol:${SECRET_PASSWORD}@docs.example.com/runs?token=${SECRET_PASSWORD} for more`;
    });
    const card = renderDatasetCard(input({ record: rec }));
    const { yaml } = configBlock(card);
    const models = yaml.models as { baseUrl: string }[];
    expect(models.map((m) => m.baseUrl)).toEqual([
      "https://llm.example.com:8443/v1",
      "https://api.example.org/v1",
      "https://api.example.org/v1",
    ]);
    expect(models[1]).toMatchObject({ apiKeyEnv: "[redacted]" });
    expect((yaml.nats as { url: string }).url).toBe("nats://n1.example.com:4222,nats://n2.example.com:4222");
    expect((yaml.run as { outDir: string }).outDir).toBe("see https://docs.example.com/runs for more");
    expect(card).not.toContain(SECRET_PASSWORD);
    expect(card).not.toContain("sk-proj-");
    expect(card).not.toContain("api-key");
    expect(card).not.toContain("#frag");
  });

  test("a model the built-in simulator served is named as such, not by its loopback address", () => {
    const rec = recordWith((config) => {
      config.simulator = { models: [{ name: "Qwen/Qwen3-4B" }] };
      config.models[0].baseUrl = "http://127.0.0.1:40123/v1";
    });
    const card = renderDatasetCard(input({ record: rec }));
    const models = configBlock(card).yaml.models as { baseUrl: string }[];
    expect(models[0]?.baseUrl).toMatch(/^NanoFlux's built-in simulator/);
    expect(models[1]?.baseUrl).toBe("https://api.example.org/v1");
    expect(card).not.toContain("127.0.0.1");
  });

  test("a description holding fences and </details> stays inside the block", () => {
    const hostile = "```\n</details>\n\n# Injected heading\n````";
    const rec = recordWith((config) => {
      config.dataset.description = hostile;
    });
    const card = renderDatasetCard(input({ record: rec }));
    const { fence, yaml } = configBlock(card);
    expect(fence.length).toBeGreaterThan(4);
    expect((yaml.dataset as { description: string }).description).toBe(hostile);
  });

  test("a run without run.json: the block says the config is unknown", () => {
    const old = renderDatasetCard(input({ record: undefined }));
    expect(section(old, "How it was made")).toContain("| response cache | unknown (no run.json) |");
    expect(old).not.toContain("<details>");
  });
});

describe("the card's cost section", () => {
  test("a run replayed from the response cache says so, per model and in total", () => {
    const report = DatasetCardInput.parse({
      ...REPORT,
      usage: [
        {
          model: "alpha",
          role: "attacker",
          calls: 0,
          promptTokens: 0,
          completionTokens: 0,
          costUsd: 0,
          cachedCalls: 9,
          savedTokens: 5400,
        },
        {
          model: "beta",
          role: "defender",
          calls: 2,
          promptTokens: 100,
          completionTokens: 50,
          costUsd: 0.001,
          cachedCalls: 7,
          savedTokens: 2100,
        },
      ],
      totalTokens: 150,
      totalCostUsd: 0.001,
      cachedCalls: 16,
      savedTokens: 7500,
    });
    const cost = section(renderDatasetCard(input({ report })), "Cost");
    expect(cost).toContain(
      "| topology id | model | role | calls | prompt tokens | completion tokens | cost | cached answers | tokens saved |",
    );
    expect(cost).toContain("| alpha | Qwen/Qwen3-4B | attacker | 0 | 0 | 0 | $0.0000 | 9 | 5400 |");
    expect(cost).toContain(
      "16 answers came from the response cache: paid for when first asked (by this run or an earlier one), they are in neither the calls, the tokens nor the cost above; they saved 7500 tokens.",
    );
  });

  test("without cached answers the section is as before", () => {
    const cost = section(renderDatasetCard(input()), "Cost");
    expect(cost).not.toContain("cached");
    expect(cost).toContain(
      "| topology id | model | role | calls | prompt tokens | completion tokens | cost |\n",
    );
  });
});

describe("human review", () => {
  const counts = { approved: 4, rejected: 1, edited: 3, unreviewed: 0, reviewers: ["ann", "ben"] };

  test("several changed answers, and no config carrying the review columns: the card says both", () => {
    const text = section(
      renderDatasetCard(
        input({
          configs: [config("openai-chat", 3)],
          review: { state: "applied", source: "dashboard", counts, answerEdits: 2 },
        }),
      ),
      "Human review",
    );
    expect(text).toContain("read from dashboard.");
    expect(text).toContain("Reviewers: ann, ben.");
    expect(text).toContain(
      "No config here says per sample what review made of it: export `--format parquet`",
    );
    expect(text).toContain(
      "2 of the 3 edited samples have reference answers a reviewer changed: their final answers are the reviewers', and no Judge verified them.",
    );
  });

  test("no edits: no note about re-judging; every config carrying the columns: no word about others", () => {
    const text = section(
      renderDatasetCard(
        input({
          configs: [config("parquet", 3)],
          review: { state: "applied", source: "dashboard", counts: { ...counts, edited: 0 }, answerEdits: 0 },
        }),
      ),
      "Human review",
    );
    expect(text).toContain("In `parquet`, `review_status`");
    expect(text).not.toContain("The other configs");
    expect(text).not.toContain("re-judged");
  });
});
