import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { createLocalEmbedder, LOCAL_EMBEDDER_NAME } from "../../curation/embedders/local-use.ts";
import { LanceQuestionStore } from "../../curation/lance-question-store.ts";
import { dot } from "../../curation/vectors.ts";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RoundClosed } from "../../protocol/messages.ts";
import { Sample } from "../../protocol/schemas.ts";
import { runSession } from "../../runner/run-session.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { expectEveryRoundClosedOnce, runEvents } from "../support/run-audit.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/**
 * Curators on two hosts: two `nanoflux agent curator` processes, each with its own run folder and so its own
 * LanceDB store (as on two machines), share one run over one NATS server. The workload is full of
 * near-duplicates (a novelty threshold of 0.5 over the simulator's templated questions turns most proposals away), so two curators keeping
 * near-duplicates at once is what would happen without one shared view.
 */

const THRESHOLD = 0.5;
const TARGET = 10;
// The folder the product reads: $NANOFLUX_BENCHMARKS_DIR, else ../shared/benchmarks beside the repository.
const GSM8K = join(defaultBenchmarksDir(), "gsm8k-test.jsonl");

async function samplesOf(datasetPath: string): Promise<Sample[]> {
  return (await readFile(datasetPath, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((line) => Sample.parse(JSON.parse(line)));
}

/** The most similar pair among the kept questions, by the embedder the curators used. */
async function closestPair(samples: Sample[]): Promise<number> {
  const embedder = createLocalEmbedder();
  const vectors = await embedder.embed(samples.map((s) => s.question.text));
  let max = 0;
  for (let i = 0; i < vectors.length; i++)
    for (let j = i + 1; j < vectors.length; j++)
      max = Math.max(max, dot(vectors[i] as Float32Array, vectors[j] as Float32Array));
  return max;
}

async function storedCount(folder: string): Promise<number> {
  const store = await LanceQuestionStore.open({
    path: join(folder, "questions.lance"),
    dims: 512,
    embedder: LOCAL_EMBEDDER_NAME,
  });
  try {
    return await store.count();
  } finally {
    await store.close();
  }
}

describe("curators on several hosts share one view of what is kept", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  async function setUp(runId: string) {
    const benchmarkDir = await mkdtemp(join(tmpdir(), "nanoflux-benchmark-"));
    const benchmarkFile = join(benchmarkDir, "gsm8k.jsonl");
    const benchmark = (await readFile(GSM8K, "utf8")).split("\n").slice(0, 30).join("\n");
    await writeFile(benchmarkFile, `${benchmark}\n`);
    const { file, dir } = await writeTestTopology({
      target: TARGET,
      concurrency: 6,
      natsUrl: nats.url,
      ackWaitMs: 2000,
      agentConcurrency: { curator: 3 },
      simulator: { latencyMs: 20 },
      curation: { noveltyThreshold: THRESHOLD, decontamination: { benchmarks: [benchmarkFile] } },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    const env = { NATS_URL: nats.url, NANOFLUX_SIM_URL: prepared.simulator?.url ?? "" };
    const curator = (host: string) =>
      spawnNanoflux(
        ["agent", "curator", "--topology", file, "--run", runId, "--run-dir", join(dir, host)],
        env,
      );
    const session = runSession({
      prepared,
      logger: silentLogger(),
      runId,
      agents: prepared.topology.agents.filter((a) => a.type !== "curator"),
    });
    return { dir, prepared, curator, session };
  }

  /** The curator processes that closed rounds of the run. */
  async function curatorsAtWork(runId: string): Promise<Set<string>> {
    const events = await runEvents(nats.url, runId);
    return new Set(
      events
        .filter((e): e is RoundClosed => e.type === "round.closed.v1" && e.producer.startsWith("curator-"))
        .map((e) => e.producer),
    );
  }

  async function expectOneView(result: Awaited<ReturnType<typeof runSession>>, runId: string) {
    expect(result.report.status).toBe("target_reached");
    const samples = await samplesOf(result.datasetPath);
    expect(samples.length).toBe(result.report.accepted);
    expect(samples.length).toBeGreaterThanOrEqual(TARGET);
    // The workload really was full of near-duplicates, and none of them got in.
    expect(result.report.byReason.duplicate ?? 0).toBeGreaterThanOrEqual(10);
    expect(await closestPair(samples)).toBeLessThan(THRESHOLD);

    const events = await runEvents(nats.url, runId);
    expectEveryRoundClosedOnce(events);
    // Decontamination ran on the curator hosts; its report reached the run over the bus.
    expect(result.report.decontamination?.benchmarks[0]?.items).toBe(30);
    expect(result.report.decontamination?.checked).toBeGreaterThanOrEqual(samples.length);
    return samples;
  }

  it("two curator processes with their own stores keep no pair above the novelty threshold", async () => {
    const runId = "run-two-curators";
    const { dir, prepared, curator, session } = await setUp(runId);
    const hosts = [curator("east"), curator("west")];
    // A third host joins with a looser threshold: it is refused before it takes any message.
    const rogueTopology = join(dir, "rogue.yaml");
    await writeFile(
      rogueTopology,
      (await readFile(join(dir, "topology.yaml"), "utf8")).replace(
        `noveltyThreshold: ${THRESHOLD}`,
        "noveltyThreshold: 0.95",
      ),
    );
    const rogue = spawnNanoflux(
      ["agent", "curator", "--topology", rogueTopology, "--run", runId, "--run-dir", join(dir, "rogue")],
      { NATS_URL: nats.url, NANOFLUX_SIM_URL: prepared.simulator?.url ?? "" },
    );
    hosts.push(rogue);
    try {
      expect(await exited(rogue)).toBe(2);
      expect(rogue.output()).toContain(`curation.noveltyThreshold: 0.95 here, ${THRESHOLD} in the run`);
      hosts.pop();
      const result = await session;
      const samples = await expectOneView(result, runId);
      // Both hosts curated.
      expect((await curatorsAtWork(runId)).size).toBe(2);
      const codes = await Promise.all(hosts.map((child) => exited(child)));
      expect(codes, hosts.map((child) => child.output()).join("\n---\n")).toEqual([0, 0]);
      // Each host's store followed the run: it holds every kept question, not only its own.
      expect(await storedCount(join(dir, "east"))).toBe(samples.length);
      expect(await storedCount(join(dir, "west"))).toBe(samples.length);
    } finally {
      for (const child of hosts) child.kill("SIGKILL");
      await prepared.simulator?.close();
    }
  });

  it("a curator killed mid-run and restarted on an empty store folder keeps the view", async () => {
    const runId = "run-curator-restart";
    const { dir, prepared, curator, session } = await setUp(runId);
    const east = curator("east");
    let west = curator("west");
    const later: ChildProcess[] = [];
    try {
      let done = false;
      void session.finally(() => {
        done = true;
      });
      const dataset = join(dir, "runs", runId, "dataset.jsonl");
      const kept = async () =>
        (await readFile(dataset, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
      await waitFor(async () => done || (await kept()) >= 3, 90_000, "three kept samples");
      expect(done).toBe(false);
      west.kill("SIGKILL");
      await exited(west);
      west = curator("west-restarted");
      later.push(west);
      const result = await session;
      const samples = await expectOneView(result, runId);
      const codes = await Promise.all([east, west].map((child) => exited(child)));
      expect(codes, `${east.output()}\n---\n${west.output()}`).toEqual([0, 0]);
      // The restarted curator began on an empty folder and caught up from the stream.
      expect(await storedCount(join(dir, "west-restarted"))).toBe(samples.length);
    } finally {
      for (const child of [east, west, ...later]) child.kill("SIGKILL");
      await prepared.simulator?.close();
    }
  });
});
