import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Topology } from "../../../config/topology.ts";
import { redactTopology } from "../../../host/redact.ts";
import { RunStarted } from "../../../protocol/messages.ts";
import type { Sample } from "../../../protocol/schemas.ts";
import { AT } from "../../support/fixtures.ts";

/**
 * A run folder as a run leaves it (dataset.jsonl, report.json, run.json), written through the real schemas: the
 * topology is validated by the topology schema and recorded as the scheduler records it (redactTopology), so
 * a baseUrl's user:password@ is in run.json exactly as a real run leaves it.
 */

export const SECRET_PASSWORD = "hunter2-Secret-Pass";
export const SECRET_KEY = "sk-live-0123456789abcdefSECRETKEY";
export const KEY_ENV = "NF_TEST_PROVIDER_API_KEY";

/** A topology with a real-looking model behind Basic auth, one behind an API key, and the given dataset section. */
export function topologyWith(
  dataset: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Topology {
  return Topology.parse({
    name: "gsm-hard-mix",
    models: [
      {
        id: "alpha",
        baseUrl: `https://alice:${SECRET_PASSWORD}@llm.example.com:8443/v1`,
        model: "Qwen/Qwen3-4B",
      },
      {
        id: "beta",
        baseUrl: "https://api.example.org/v1",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        apiKeyEnv: KEY_ENV,
      },
      { id: "judge", baseUrl: "https://api.example.org/v1", model: "gpt-4.1", apiKeyEnv: KEY_ENV },
    ],
    agents: [
      { type: "scheduler" },
      { type: "attacker" },
      { type: "defender" },
      { type: "judge", model: "judge" },
      { type: "curator" },
    ],
    tournament: { models: ["alpha", "beta"] },
    run: { domains: ["math", "medical"], seed: 42 },
    curation: {
      target: 3,
      levels: ["L4", "L5"],
      complexityMix: { "3": 0.5, "4": 0.5 },
      decontamination: { benchmarks: ["bench/gsm8k.jsonl"] },
    },
    dataset,
    ...extra,
  });
}

/**
 * A query string with a secret in it, as a baseUrl of a run recorded before the topology refused queries holds
 * it: `runStarted` records model alpha's baseUrl with it, so the export meets it in run.json.
 */
export const RECORDED_QUERY = `?api-key=${SECRET_PASSWORD}#frag`;

function withRecordedQuery(config: Record<string, unknown>): Record<string, unknown> {
  const models = config.models as { id: string; baseUrl: string }[];
  return {
    ...config,
    models: models.map((m) => (m.id === "alpha" ? { ...m, baseUrl: `${m.baseUrl}${RECORDED_QUERY}` } : m)),
  };
}

export function runStarted(topology: Topology, runId = "run-t"): RunStarted {
  return RunStarted.parse({
    type: "run.started.v1",
    runId,
    at: AT,
    producer: "scheduler-test",
    topologyName: topology.name,
    target: topology.curation.target,
    domains: topology.run.domains,
    models: topology.models.map((m) => ({ id: m.id, model: m.model })),
    config: withRecordedQuery(redactTopology(topology)),
    provenance: {
      nanofluxVersion: "0.1.0",
      promptPacks: [
        { domain: "math", sha256: "a".repeat(64) },
        { domain: "medical", sha256: "b".repeat(64) },
      ],
    },
  });
}

export const REPORT = {
  runId: "run-t",
  rounds: 9,
  target: 3,
  byReason: { duplicate: 2 },
  usage: [
    { model: "alpha", role: "attacker", calls: 5, promptTokens: 900, completionTokens: 300, costUsd: 0.01 },
  ],
  totalTokens: 1200,
  totalCostUsd: 0.01,
  noveltyThreshold: 0.88,
  decontamination: {
    benchmarks: [{ file: "bench/gsm8k.jsonl", items: 1319, malformedLines: 0 }],
    similarityThreshold: 0.9,
    ngramSize: 8,
    ngramOverlap: 0.5,
    checked: 12,
    rejected: 1,
    rejections: [],
  },
};

/** Writes a run folder; `record: false` leaves run.json out (a run from before it was written). */
export async function writeRunFolder(
  dir: string,
  samples: readonly Sample[],
  options: { record?: RunStarted | false; report?: unknown } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "dataset.jsonl"), samples.map((s) => `${JSON.stringify(s)}\n`).join(""));
  if (options.report !== undefined) await writeFile(join(dir, "report.json"), JSON.stringify(options.report));
  const record =
    options.record === undefined ? runStarted(topologyWith({ license: "cc-by-4.0" })) : options.record;
  if (record) await writeFile(join(dir, "run.json"), `${JSON.stringify(record, null, 2)}\n`);
  return dir;
}
