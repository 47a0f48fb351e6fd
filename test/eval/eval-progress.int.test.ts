import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import { nanofluxOnTerminal } from "../support/pty.ts";

/**
 * `nanoflux eval` on a pseudo-terminal (util-linux `script`), as a user at a terminal sees it: a bar with the
 * count, an ETA and the running accuracy, then the summary line; no JSON log lines. A second run answers from
 * the response cache, and `--no-cache` asks the model again.
 */

const MODEL = "sim-eval";
const ITEMS = 24;

/** `nanoflux <args>` on a terminal, at info whatever the environment says. */
function onTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  return nanofluxOnTerminal(args, { env: { NANOFLUX_LOG_LEVEL: "info" } });
}

function chatRequests(sim: Simulator): number {
  return Object.entries(sim.stats().byRoute)
    .filter(([route]) => route.includes("chat"))
    .reduce((n, [, count]) => n + count, 0);
}

describe("nanoflux eval at a terminal", () => {
  let sim: Simulator;
  let work: string;
  beforeAll(async () => {
    sim = await startSimulator(
      SimulatorConfig.parse({
        seed: 3,
        // Slow enough that the bar is drawn mid-way, with an ETA.
        latencyMs: 60,
        models: [{ name: MODEL, skill: 0.8 }],
        benchmarks: [join(defaultBenchmarksDir(), "gsm8k-test.jsonl")],
      }),
      { logger: silentLogger() },
    );
    work = await mkdtemp(join(tmpdir(), "nanoflux-eval-tty-"));
  });
  afterAll(async () => {
    await sim?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("draws a bar with ETA and running accuracy, prints a summary, reuses answers, and asks again with --no-cache", async () => {
    const cacheDir = join(work, "cache");
    const args = [
      "eval",
      "--model",
      MODEL,
      "--base-url",
      sim.url,
      "--benchmark",
      "gsm8k",
      "--limit",
      String(ITEMS),
      "--concurrency",
      "2",
      "--out",
      join(work, "evals"),
      "--cache-dir",
      cacheDir,
    ];
    const before = chatRequests(sim);
    const first = await onTerminal(args);
    expect(first.code, first.output).toBe(0);
    const lines = first.output.split("\n");
    // Mid-way: count, ETA and the accuracy so far.
    expect(lines.some((l) => /^gsm8k \S+ +\d+% \| \d+\/24 items \| ETA \S+ \| acc \d+\.\d%/.test(l))).toBe(
      true,
    );
    // At the end the bar stays, with the time it took.
    expect(first.output).toMatch(/gsm8k \S+ 100% \| 24\/24 items \| took \S+ \| acc \d+\.\d%/);
    expect(first.output).toMatch(
      /gsm8k: \d+\.\d% \(\d+\/24\), 95% CI \[\d+\.\d%, \d+\.\d%\] · 24 items · [1-9]\d* tokens billed · cache: 0 hits, 0 tokens saved -> /,
    );
    // No log line, JSON or otherwise, about progress.
    expect(lines.filter((l) => /^\s*\{.*"(level|msg)"/.test(l))).toEqual([]);
    expect(first.output).not.toMatch(/evaluating/);
    expect(chatRequests(sim) - before).toBe(ITEMS);

    const second = await onTerminal(args);
    expect(second.code, second.output).toBe(0);
    expect(chatRequests(sim) - before).toBe(ITEMS);
    expect(second.output).toMatch(/24\/24 items \| took \S+ \| acc \d+\.\d% · 24 cached/);
    expect(second.output).toMatch(/· 24 items · 0 tokens billed · cache: 24 hits, [1-9]\d* tokens saved -> /);
    const accuracy = (output: string) => /gsm8k: (\d+\.\d%)/.exec(output)?.[1];
    expect(accuracy(second.output)).toBe(accuracy(first.output));

    const uncached = await onTerminal([...args, "--no-cache"]);
    expect(uncached.code, uncached.output).toBe(0);
    expect(chatRequests(sim) - before).toBe(2 * ITEMS);
    expect(uncached.output).toMatch(/cache: 0 hits/);
    const files = (await readdir(cacheDir, { recursive: true })).filter((f) => f.endsWith(".json"));
    expect(files).toHaveLength(ITEMS);
  });
});
