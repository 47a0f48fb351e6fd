import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { createEvalModel } from "../../eval/eval-model.ts";
import { loadEvaluation } from "../../eval/results.ts";
import { runBenchmark } from "../../eval/run-benchmark.ts";
import { ResponseCache } from "../../llm/response-cache.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";

const MODEL = "sim-eval";

/** Chat requests the simulator has served so far. */
function chatRequests(sim: Simulator): number {
  return Object.entries(sim.stats().byRoute)
    .filter(([route]) => route.includes("chat"))
    .reduce((n, [, count]) => n + count, 0);
}

async function cacheFiles(dir: string): Promise<number> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(".json")).length;
}

describe("evaluation with the response cache, against the simulator", () => {
  let sim: Simulator;
  let work: string;
  beforeAll(async () => {
    const dir = defaultBenchmarksDir();
    sim = await startSimulator(
      SimulatorConfig.parse({
        seed: 5,
        models: [{ name: MODEL, skill: 0.8 }],
        benchmarks: [join(dir, "gsm8k-test.jsonl")],
      }),
      { logger: silentLogger() },
    );
    work = await mkdtemp(join(tmpdir(), "nanoflux-eval-cache-"));
  });
  afterAll(async () => {
    await sim?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** One `nanoflux eval` process: its own model and its own cache object on the shared folder. */
  async function evaluate(cacheDir: string | undefined, label: string, maxTokens?: number) {
    const cache = cacheDir
      ? new ResponseCache({ dir: cacheDir, logger: silentLogger(), env: {} })
      : undefined;
    const model = createEvalModel(
      { model: MODEL, baseUrl: sim.url, concurrency: 6, temperature: 0, ...(maxTokens ? { maxTokens } : {}) },
      { env: {}, logger: silentLogger(), ...(cache ? { cache } : {}) },
    );
    return runBenchmark(model, {
      benchmark: "gsm8k",
      selection: { sample: 40, seed: 9 },
      concurrency: 6,
      label,
      model: MODEL,
      baseUrl: sim.url,
      outDir: join(work, "evals"),
    });
  }

  it("makes no model request on a re-run, bills nothing, and gives the same results", async () => {
    const cacheDir = join(work, "cache-rerun");
    const before = chatRequests(sim);
    const first = await evaluate(cacheDir, "first");
    const paid = chatRequests(sim) - before;
    expect(paid).toBe(40);
    expect(first.summary.usage).toMatchObject({ cachedItems: 0, savedTokens: 0 });
    const billed = (first.summary.usage?.promptTokens ?? 0) + (first.summary.usage?.completionTokens ?? 0);
    expect(billed).toBeGreaterThan(0);
    expect(await cacheFiles(cacheDir)).toBe(40);

    const again = await evaluate(cacheDir, "again");
    expect(chatRequests(sim) - before).toBe(40);
    const { accuracy, correct, n, errors, ci95 } = first.summary;
    expect(again.summary).toMatchObject({ accuracy, correct, n, errors, ci95 });
    expect(again.items.map((i) => [i.id, i.reply, i.given, i.correct])).toEqual(
      first.items.map((i) => [i.id, i.reply, i.given, i.correct]),
    );
    // True books: nothing billed, every item a cache hit, and what the hits saved is what the first run paid.
    expect(again.summary.usage).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      cachedItems: 40,
      savedTokens: billed,
    });
    expect(again.items.every((i) => i.promptTokens === 0 && i.completionTokens === 0 && i.cached)).toBe(true);
    // The result files say so too, and files without the new fields still load.
    expect((await loadEvaluation(again.summaryFile)).summary.usage?.cachedItems).toBe(40);
  });

  it("asks again without a cache, and stores no truncated reply", async () => {
    const cacheDir = join(work, "cache-truncated");
    const before = chatRequests(sim);
    await evaluate(undefined, "uncached");
    await evaluate(undefined, "uncached");
    expect(chatRequests(sim) - before).toBe(80);
    // Four completion tokens cut every reply short (finish_reason "length"): nothing is kept, all is asked again.
    const cut = await evaluate(cacheDir, "cut", 4);
    expect(cut.items.every((i) => !i.cached)).toBe(true);
    expect(await cacheFiles(cacheDir)).toBe(0);
    await evaluate(cacheDir, "cut", 4);
    expect(chatRequests(sim) - before).toBe(160);
  });
});
