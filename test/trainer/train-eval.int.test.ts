import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { compareCommand } from "../../cli/eval-command.ts";
import { trainCommand } from "../../cli/train-command.ts";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { compareEvaluations } from "../../eval/compare.ts";
import { createEvalModel } from "../../eval/eval-model.ts";
import { loadEvaluation } from "../../eval/results.ts";
import { runBenchmark } from "../../eval/run-benchmark.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import type { TrainingUpdated } from "../../protocol/training.ts";
import { sampleToChat } from "../../trainer/chat-export.ts";
import { OpenAIFineTuningBackend } from "../../trainer/openai-backend.ts";
import { trainRun } from "../../trainer/train-run.ts";
import { QUICK } from "./backend-spec.ts";
import { samples } from "./fixtures/samples.ts";

const BASE = "sim-base";

/** Runs a commander command as the CLI would, returning what it wrote to stdout. */
async function runCli(command: ReturnType<typeof trainCommand>, args: string[]): Promise<string> {
  const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    await command.parseAsync(args, { from: "user" });
    return write.mock.calls.map(([chunk]) => String(chunk)).join("");
  } finally {
    write.mockRestore();
  }
}

describe("dataset -> fine-tune -> new model -> eval -> compare (simulator)", () => {
  let sim: Simulator;
  let dir: string;
  const logLevel = process.env.NANOFLUX_LOG_LEVEL;
  beforeAll(async () => {
    // The CLI commands log to stderr; keep the test output to failures.
    process.env.NANOFLUX_LOG_LEVEL = "error";
    sim = await startSimulator(
      SimulatorConfig.parse({
        seed: 5,
        models: [{ name: BASE, skill: 0.6 }],
        benchmarks: [join(defaultBenchmarksDir(), "gsm8k-test.jsonl")],
      }),
      { logger: silentLogger() },
    );
    dir = await mkdtemp(join(tmpdir(), "nanoflux-train-eval-"));
  });
  afterAll(async () => {
    if (logLevel === undefined) delete process.env.NANOFLUX_LOG_LEVEL;
    else process.env.NANOFLUX_LOG_LEVEL = logLevel;
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("fine-tunes on a run's samples, and the new model beats its base on the same items", async () => {
    const runDir = join(dir, "run-ft");
    const published: { update: TrainingUpdated; msgId: string }[] = [];
    const job = await trainRun({
      runId: "run-ft",
      examples: samples(150).map(sampleToChat),
      runDir,
      backend: new OpenAIFineTuningBackend({ baseUrl: sim.url, baseModel: BASE, env: {} }),
      hyperparameters: QUICK,
      pollMs: 25,
      producer: "test",
      publish: async (update, msgId) => void published.push({ update, msgId }),
    });
    expect(job.status).toBe("succeeded");
    const statuses = published.filter((p) => !p.update.event).map((p) => p.update.job.status);
    expect(statuses.at(-1)).toBe("succeeded");
    expect(statuses).toEqual([...new Set(statuses)]);
    expect(published.some((p) => p.update.event?.progress?.loss !== undefined)).toBe(true);
    expect(new Set(published.map((p) => p.msgId)).size).toBe(published.length);

    const evaluate = (model: string, label: string) =>
      runBenchmark(
        createEvalModel({ model, baseUrl: sim.url, concurrency: 8 }, { env: {}, logger: silentLogger() }),
        {
          benchmark: "gsm8k",
          selection: { sample: 200, seed: 2 },
          concurrency: 8,
          label,
          model,
          baseUrl: sim.url,
          outDir: join(dir, "evals", label),
        },
      );
    const base = await evaluate(BASE, "base");
    const tuned = await evaluate(job.fineTunedModel ?? "", "nanoflux");
    expect(tuned.summary.accuracy).toBeGreaterThan(base.summary.accuracy);
    // The simulator decides each item by a fixed draw against skill^hops: a stronger model loses no item.
    const baseRight = new Set(base.items.filter((i) => i.correct).map((i) => i.id));
    expect(tuned.items.filter((i) => baseRight.has(i.id)).every((i) => i.correct)).toBe(true);

    const comparison = compareEvaluations([
      { label: "base", evaluation: await loadEvaluation(base.summaryFile) },
      { label: "nanoflux", evaluation: await loadEvaluation(tuned.summaryFile) },
    ]);
    const difference = comparison.rows[0]?.differences[0];
    expect(difference?.test.test).toBe("mcnemar");
    expect(difference?.significant).toBe(true);

    const table = await runCli(compareCommand(), [
      `base=${base.summaryFile}`,
      join(dir, "evals", "nanoflux"),
    ]);
    expect(table).toMatch(/gsm8k .*n=200.*McNemar\) \*/);
  });

  it("trains from a run folder with `nanoflux train` and resumes the recorded job instead of paying twice", async () => {
    const runDir = join(dir, "run-cli");
    await mkdir(runDir, { recursive: true });
    const lines = samples(20).map((s) => JSON.stringify(s));
    await writeFile(join(runDir, "dataset.jsonl"), `${lines.join("\n")}\n{"broken": true}\n`);
    const args = [runDir, "--base-model", BASE, "--base-url", sim.url, "--epochs", "2", "--poll-ms", "25"];
    const first = await runCli(trainCommand(), args);
    expect(first).toMatch(
      new RegExp(
        `^job (ftjob-\\w+) succeeded: fine-tuned model: ft:${BASE}:nanoflux:\\1\\n` +
          " {2}loss {6}first [\\d.]+ \\(step \\d+\\), last [\\d.]+ \\(step \\d+\\), best [\\d.]+ \\(step \\d+\\)\\n" +
          " {2}steps {5}\\d+\\n {2}tokens {4}[\\d,]+ trained over 2 epoch\\(s\\)\\n" +
          " {2}compute {3}FLOPs unknown \\(give --parameters\\)\\n {2}wall time \\d+s\\n$",
      ),
    );
    const jobsBefore = ((await (await fetch(`${sim.url}/fine_tuning/jobs`)).json()) as { data: unknown[] })
      .data.length;
    expect(await runCli(trainCommand(), args)).toBe(first);
    const jobsAfter = ((await (await fetch(`${sim.url}/fine_tuning/jobs`)).json()) as { data: unknown[] })
      .data.length;
    expect(jobsAfter).toBe(jobsBefore);
  });
});
