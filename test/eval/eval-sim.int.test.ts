import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchmarkItem } from "../../eval/benchmark-formats.ts";
import { defaultBenchmarksDir, loadBenchmark } from "../../eval/benchmarks.ts";
import { createEvalModel } from "../../eval/eval-model.ts";
import { loadEvaluation } from "../../eval/results.ts";
import { runBenchmark } from "../../eval/run-benchmark.ts";
import { selectItems } from "../../eval/selection.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import { choiceHops, numericHops } from "../../packages/sim/src/items/benchmarks.ts";

const SKILL = 0.85;
const MODEL = "sim-eval";

/** The simulator answers a known item right with probability skill^hops (packages/sim/src/roles/solve.ts). */
function expectedAccuracy(items: readonly BenchmarkItem[]): number {
  const hops = (item: BenchmarkItem) =>
    item.kind === "numeric" ? numericHops(item.question) : choiceHops(item.question);
  return items.reduce((sum, item) => sum + SKILL ** hops(item), 0) / items.length;
}

describe("evaluation against the simulator", () => {
  let sim: Simulator;
  let out: string;
  beforeAll(async () => {
    const dir = defaultBenchmarksDir();
    sim = await startSimulator(
      SimulatorConfig.parse({
        seed: 11,
        models: [{ name: MODEL, skill: SKILL }],
        benchmarks: [join(dir, "gsm8k-test.jsonl"), join(dir, "medqa.jsonl")],
      }),
      { logger: silentLogger() },
    );
    out = await mkdtemp(join(tmpdir(), "nanoflux-eval-"));
  });
  afterAll(async () => {
    await sim?.close();
    await rm(out, { recursive: true, force: true });
  });

  for (const benchmark of ["gsm8k", "medqa"]) {
    it(`measures ${benchmark} accuracy consistent with the model's skill`, async () => {
      const selection = { sample: 150, seed: 3 };
      const model = createEvalModel(
        { model: MODEL, baseUrl: sim.url, concurrency: 8 },
        { env: {}, logger: silentLogger() },
      );
      const run = await runBenchmark(model, {
        benchmark,
        selection,
        concurrency: 8,
        label: "base",
        model: MODEL,
        baseUrl: sim.url,
        outDir: out,
      });
      const expected = expectedAccuracy(selectItems((await loadBenchmark(benchmark)).items, selection));
      expect(run.summary.n).toBe(150);
      expect(run.summary.errors).toBe(0);
      expect(run.summary.ci95.low).toBeLessThanOrEqual(expected);
      expect(run.summary.ci95.high).toBeGreaterThanOrEqual(expected);
      // A guessing model would score near zero on GSM and near 25% on four options.
      expect(run.summary.accuracy).toBeGreaterThan(0.35);
      const saved = await loadEvaluation(run.summaryFile);
      expect(saved.summary).toEqual(run.summary);
      expect(saved.items.map((i) => i.correct)).toEqual(run.items.map((i) => i.correct));
    });
  }

  it("fails clearly when every call fails instead of reporting 0%", async () => {
    const file = join(out, "tiny.jsonl");
    await writeFile(file, `${JSON.stringify({ input: "What is 1 + 1?", target: 2 })}\n`);
    const model = createEvalModel(
      { model: MODEL, baseUrl: "http://127.0.0.1:9/v1", concurrency: 1, maxRetries: 0 },
      { env: {}, logger: silentLogger() },
    );
    await expect(
      runBenchmark(model, {
        benchmark: file,
        selection: {},
        concurrency: 1,
        label: "down",
        model: MODEL,
        baseUrl: "http://127.0.0.1:9/v1",
        outDir: out,
      }),
    ).rejects.toThrow(/every tiny item failed.*cannot reach/);
  });
});
