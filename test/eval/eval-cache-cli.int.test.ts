import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { loadEvaluation } from "../../eval/results.ts";
import { silentLogger } from "../../log/logger.ts";
import { type Simulator, SimulatorConfig, startSimulator } from "../../packages/sim/src/index.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";

/**
 * `nanoflux eval` with its response cache (on by default), as a user runs it, against the simulator: the cache
 * must never serve one model's answers for another's, and nothing it writes may hold the endpoint's password.
 */

const MODEL = "sim-x";
const PASSWORD = "pw-s3cr3t-long";

/** A port the OS just handed out and took back: both simulators of a test listen there, one after the other. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function simulate(port: number, skill: number): Promise<Simulator> {
  return startSimulator(
    SimulatorConfig.parse({
      port,
      seed: 3,
      models: [{ name: MODEL, skill }],
      benchmarks: [join(defaultBenchmarksDir(), "gsm8k-test.jsonl")],
    }),
    { logger: silentLogger() },
  );
}

/** Every file under a folder, with its text. */
async function filesUnder(dir: string): Promise<Array<[string, string]>> {
  const names = await readdir(dir, { recursive: true });
  const files: Array<[string, string]> = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8").catch(() => undefined);
    if (text !== undefined) files.push([name, text]);
  }
  return files;
}

/** What the endpoint says about the model: GET /v1/models/{model}. */
async function describedModel(baseUrl: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}/models/${MODEL}`);
  expect(response.status).toBe(200);
  return response.json();
}

describe("nanoflux eval and its response cache", () => {
  let work: string;
  const sims: Simulator[] = [];
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "nanoflux-eval-cli-"));
  });
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  /** One `nanoflux eval` process on the first five gsm8k items; its summary as written. */
  async function evaluate(baseUrl: string, out: string, cacheDir: string, ...extra: string[]) {
    const child = spawnNanoflux(
      [
        "eval",
        ...["--model", MODEL, "--base-url", baseUrl, "--benchmark", "gsm8k"],
        ...["--benchmarks-dir", defaultBenchmarksDir(), "--limit", "5", "--concurrency", "5"],
        ...["--out", out, "--cache-dir", cacheDir, ...extra],
      ],
      {},
    );
    const code = await exited(child);
    expect(code, child.output()).toBe(0);
    const { summary } = await loadEvaluation(join(out, `${MODEL}.gsm8k.summary.json`));
    return { correct: summary.correct, hits: summary.usage?.cachedItems, summary, output: child.output() };
  }

  it("never serves the answers of the weights a restarted server replaced behind the same name", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v1`;
    const out = join(work, "swap");
    const cacheDir = join(work, "swap-cache");
    sims.push(await simulate(port, 0));
    expect(await evaluate(url, out, cacheDir)).toMatchObject({ correct: 0, hits: 0 });
    // Same port, same model name, other weights: a cache keyed by endpoint and name alone said "0/5, 5 hits".
    const before = await describedModel(url);
    await sims.pop()?.close();
    sims.push(await simulate(port, 1));
    // The restarted simulator describes the model anew (its start time), even within the same second.
    expect(await describedModel(url)).not.toEqual(before);
    expect(await evaluate(url, out, cacheDir)).toMatchObject({ correct: 5, hits: 0 });
    // The same weights again: every answer from the cache, and the same as without one.
    const [cached, fresh] = await Promise.all([
      evaluate(url, out, cacheDir),
      evaluate(url, join(work, "swap-fresh"), join(work, "unused-cache"), "--no-cache"),
    ]);
    expect(cached).toMatchObject({ correct: 5, hits: 5 });
    expect(fresh).toMatchObject({ correct: 5, hits: 0 });
  });

  it("writes the endpoint's password into no result and no cache file", async () => {
    const sim = await simulate(0, 0.5);
    sims.push(sim);
    const out = join(work, "secret");
    const cacheDir = join(work, "secret-cache");
    const withPassword = `http://bob:${PASSWORD}@127.0.0.1:${sim.port}/v1`;
    const run = await evaluate(withPassword, out, cacheDir);
    expect(run.summary.baseUrl).toBe(`http://127.0.0.1:${sim.port}/v1`);
    expect(run.output).not.toContain(PASSWORD);
    const written = [...(await filesUnder(out)), ...(await filesUnder(cacheDir))];
    expect(written.filter(([name]) => name.endsWith(".json")).length).toBeGreaterThan(5);
    const basic = Buffer.from(`bob:${PASSWORD}`).toString("base64");
    for (const [name, text] of written) {
      expect(text, name).not.toContain(PASSWORD);
      expect(text, name).not.toContain(basic);
    }
  });
});
