import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

export interface TestTopologyOptions {
  target?: number;
  domains?: string[];
  replicas?: Partial<Record<"attacker" | "defender" | "judge" | "curator", number>>;
  /** Messages one replica of a type handles at once (default: its model's maxConcurrency). */
  agentConcurrency?: Partial<Record<"attacker" | "defender" | "judge" | "curator", number>>;
  concurrency?: number;
  ackWaitMs?: number;
  simulator?: Record<string, unknown>;
  curation?: Record<string, unknown>;
  run?: Record<string, unknown>;
  natsUrl?: string;
  extraAgents?: Array<Record<string, unknown>>;
  routes?: Record<string, Record<string, string>>;
  /** Settings applied to every model entry (timeouts, retries). */
  modelSettings?: Record<string, unknown>;
  /** Extra simulated models that also play in the tournament. */
  extraModels?: Array<{ id: string; name: string; skill: number; rateMalformed?: number }>;
}

/** Writes a simulator-backed topology into a fresh temp folder (runs go under it too) and returns its path. */
export async function writeTestTopology(
  options: TestTopologyOptions = {},
): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "nanoflux-run-"));
  const replicas = options.replicas ?? {};
  const extraModels = options.extraModels ?? [];
  const agent = (
    type: "attacker" | "defender" | "judge" | "curator",
    extra: Record<string, unknown> = {},
  ) => ({
    type,
    replicas: replicas[type] ?? 1,
    ...(options.agentConcurrency?.[type] ? { concurrency: options.agentConcurrency[type] } : {}),
    ...(options.routes?.[type] ? { options: { routes: options.routes[type] } } : {}),
    ...extra,
  });
  const topology = {
    name: "test",
    simulator: {
      seed: 11,
      models: [
        { name: "sim-strong", skill: 0.9 },
        { name: "sim-weak", skill: 0.6 },
        { name: "sim-judge", skill: 0.95 },
        ...extraModels.map(({ id: _, ...model }) => model),
      ],
      ...options.simulator,
    },
    models: [
      { id: "strong", model: "sim-strong" },
      { id: "weak", model: "sim-weak" },
      { id: "judge", model: "sim-judge" },
      ...extraModels.map((m) => ({ id: m.id, model: m.name })),
    ].map((m) => ({ ...m, baseUrl: "${NANOFLUX_SIM_URL}", maxConcurrency: 8, ...options.modelSettings })),
    agents: [
      { type: "scheduler" },
      agent("attacker"),
      agent("defender"),
      agent("judge", { model: "judge" }),
      agent("curator"),
      ...(options.extraAgents ?? []),
    ],
    tournament: { models: ["strong", "weak", ...extraModels.map((m) => m.id)] },
    run: {
      domains: options.domains ?? ["math"],
      concurrency: options.concurrency ?? 4,
      outDir: join(dir, "runs"),
      ackWaitMs: options.ackWaitMs ?? 30_000,
      ...options.run,
    },
    curation: { target: options.target ?? 5, levels: ["L1", "L2", "L3", "L4", "L5"], ...options.curation },
    ...(options.natsUrl ? { nats: { url: options.natsUrl } } : {}),
  };
  const file = join(dir, "topology.yaml");
  await writeFile(file, stringify(topology));
  return { file, dir };
}
