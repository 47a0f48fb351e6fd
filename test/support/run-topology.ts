import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

export interface TestTopologyOptions {
  target?: number;
  domains?: string[];
  replicas?: Partial<Record<"attacker" | "defender" | "judge" | "curator", number>>;
  concurrency?: number;
  ackWaitMs?: number;
  simulator?: Record<string, unknown>;
  curation?: Record<string, unknown>;
  run?: Record<string, unknown>;
  natsUrl?: string;
  extraAgents?: Array<Record<string, unknown>>;
  routes?: Record<string, Record<string, string>>;
}

/** Writes a simulator-backed topology into a fresh temp folder (runs go under it too) and returns its path. */
export async function writeTestTopology(
  options: TestTopologyOptions = {},
): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "nanoflux-run-"));
  const replicas = options.replicas ?? {};
  const agent = (
    type: "attacker" | "defender" | "judge" | "curator",
    extra: Record<string, unknown> = {},
  ) => ({
    type,
    replicas: replicas[type] ?? 1,
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
      ],
      ...options.simulator,
    },
    models: [
      { id: "strong", baseUrl: "${NANOFLUX_SIM_URL}", model: "sim-strong", maxConcurrency: 8 },
      { id: "weak", baseUrl: "${NANOFLUX_SIM_URL}", model: "sim-weak", maxConcurrency: 8 },
      { id: "judge", baseUrl: "${NANOFLUX_SIM_URL}", model: "sim-judge", maxConcurrency: 8 },
    ],
    agents: [
      { type: "scheduler" },
      agent("attacker"),
      agent("defender"),
      agent("judge", { model: "judge" }),
      agent("curator"),
      ...(options.extraAgents ?? []),
    ],
    tournament: { models: ["strong", "weak"] },
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
