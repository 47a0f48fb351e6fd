import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { builtInSimulator, simulatorBlockIssues } from "../../cli/prepare-topology.ts";
import { interpolateEnv } from "../../config/interpolate.ts";
import { TopologyError, validateTopology } from "../../config/load.ts";
import { LIMITS } from "../../config/topology.ts";
import { silentLogger } from "../../log/logger.ts";
import { ConfigError } from "../../protocol/errors.ts";
import {
  prepareTopology,
  type RunningSimulator,
  type SimulatorStarter,
} from "../../runner/prepare-topology.ts";

/**
 * The topology's `simulator:` block is opaque to production code: the topology schema takes any mapping, and
 * the nanoflux command that starts the simulator checks the block with the simulator's own schema, reporting
 * each problem at its field path like any other topology error.
 */

const MODELS = [{ id: "alpha", baseUrl: "${NANOFLUX_SIM_URL}", model: "sim-alpha" }];
const AGENTS = [{ type: "scheduler" }, { type: "attacker" }, { type: "defender" }, { type: "curator" }];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nf-sim-block-"));
  await writeFile(join(dir, "bench.jsonl"), '{"input": "1+1?", "target": 2}\n');
  await mkdir(join(dir, "folder.jsonl"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function topologyFile(simulator: unknown, name = "topology.yaml"): Promise<string> {
  const file = join(dir, name);
  const run = { outDir: join(dir, "runs") };
  await writeFile(file, stringify({ models: MODELS, agents: AGENTS, run, simulator }));
  return file;
}

const times = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));

describe("the topology schema", () => {
  it("takes any mapping as the simulator block and leaves it as written", () => {
    const block = { seed: "not checked here", somethingNew: [1, 2] };
    const topology = validateTopology({ models: MODELS, agents: AGENTS, simulator: block }, "t.yaml", {
      NANOFLUX_SIM_URL: "http://127.0.0.1:9/v1",
    });
    expect(topology.simulator).toEqual(block);
  });

  it("still wants a mapping there", () => {
    expect(() =>
      validateTopology({ models: MODELS, agents: AGENTS, simulator: [1] }, "t.yaml", {
        NANOFLUX_SIM_URL: "http://127.0.0.1:9/v1",
      }),
    ).toThrow(/simulator: expected a mapping, got a list/);
  });
});

describe("simulatorBlockIssues", () => {
  it("accepts a valid block and each simulator block of the shipped topologies", async () => {
    expect(await simulatorBlockIssues({ seed: 3, models: [{ name: "m", skill: 0.5 }] }, dir)).toEqual([]);
    const folder = fileURLToPath(new URL("../../topologies/", import.meta.url));
    const files = (await readdir(folder)).filter((f) => f.endsWith(".yaml"));
    let checked = 0;
    for (const file of files) {
      const raw = (parse(await readFile(join(folder, file), "utf8")) as { simulator?: unknown }).simulator;
      if (raw === undefined) continue;
      checked++;
      // As loading a topology does: ${NAME:-default} placeholders take the environment's values first.
      const block = interpolateEnv(raw, process.env).value;
      expect({ file, issues: await simulatorBlockIssues(block, folder) }).toEqual({ file, issues: [] });
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("names each bad field under simulator., with a hint", async () => {
    const issues = await simulatorBlockIssues(
      { seed: 1.5, fautls: {}, faults: { rate500: "0.2" }, models: [{ name: "m", skill: 2 }] },
      dir,
    );
    const at = (path: string) => issues.find((issue) => issue.path === path);
    expect(at("simulator.seed")?.message).toMatch(/whole number/);
    expect(at("simulator.fautls")).toMatchObject({
      message: 'unknown key "fautls"',
      hint: 'did you mean "faults"?',
    });
    expect(at("simulator.faults.rate500")).toMatchObject({ hint: "write 0.2 without quotes" });
    expect(at("simulator.models[0].skill")?.message).toMatch(/too big/);
    expect(issues.every((issue) => issue.path.startsWith("simulator."))).toBe(true);
  });

  it.each([
    ["models", LIMITS.models, (n: number) => ({ models: times(n, (i) => ({ name: `s${i}`, skill: 1 })) })],
    ["benchmarks", LIMITS.benchmarks, (n: number) => ({ benchmarks: times(n, () => "bench.jsonl") })],
  ] as const)("simulator.%s: at most its limit, named in the hint", async (key, limit, block) => {
    expect(await simulatorBlockIssues(block(limit), dir)).toEqual([]);
    const issues = await simulatorBlockIssues(block(limit + 1), dir);
    expect(issues).toEqual([
      expect.objectContaining({
        path: `simulator.${key}`,
        message: `the list has ${limit + 1} items`,
        hint: expect.stringMatching(new RegExp(`^list at most ${limit}\\b`)),
      }),
    ]);
  });

  it("reports benchmark files that cannot be read, relative to the topology's folder", async () => {
    const issues = await simulatorBlockIssues(
      { benchmarks: ["./bench.jsonl", "./missing.jsonl", "folder.jsonl"] },
      dir,
    );
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["simulator.benchmarks[1]", expect.stringMatching(/missing\.jsonl does not exist/)],
      ["simulator.benchmarks[2]", expect.stringMatching(/folder\.jsonl is a folder/)],
    ]);
  });
});

/** A starter that starts nothing: it records what production code hands it. */
function recordingStarter(issues: { path: string; message: string; hint: string }[] = []) {
  const calls: { check: unknown[]; start: unknown[] } = { check: [], start: [] };
  const starter: SimulatorStarter<RunningSimulator> = {
    check: async (block) => {
      calls.check.push(block);
      return issues;
    },
    start: async (block, baseDir) => {
      calls.start.push({ block, baseDir });
      return { url: "http://127.0.0.1:7/v1", close: async () => {} };
    },
  };
  return { starter, calls };
}

describe("preparing a topology that asks for the simulator", () => {
  it("hands the block, as written, to the injected starter and points the models at its URL", async () => {
    const block = { seed: 5, whatever: { the: "simulator decides" } };
    const file = await topologyFile(block);
    const { starter, calls } = recordingStarter();
    const prepared = await prepareTopology(file, {}, silentLogger(), {}, starter);
    expect(calls.check).toEqual([block]);
    expect(calls.start).toEqual([{ block, baseDir: dir }]);
    expect(prepared.topology.models[0]?.baseUrl).toBe("http://127.0.0.1:7/v1");
  });

  it("lists the starter's problems with the block as topology errors and starts nothing", async () => {
    const file = await topologyFile({ seed: 5 });
    const issue = { path: "simulator.seed", message: "a bad seed", hint: "pick another" };
    const { starter, calls } = recordingStarter([issue]);
    const error = await prepareTopology(file, {}, silentLogger(), {}, starter).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as TopologyError).issues).toEqual([issue]);
    expect(calls.start).toEqual([]);
  });

  it("without a starter (production code alone) says only the nanoflux command starts it", async () => {
    const file = await topologyFile({ seed: 5 });
    await expect(prepareTopology(file, {}, silentLogger(), {})).rejects.toThrow(
      /only the nanoflux command starts/,
    );
  });

  it("with the CLI's starter, a bad block is a TopologyError at its field path", async () => {
    const file = await topologyFile({ faults: { rate429: 3 }, benchmarks: ["./missing.jsonl"] }, "bad.yaml");
    const error = await prepareTopology(file, {}, silentLogger(), {}, builtInSimulator).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TopologyError);
    expect(String((error as Error).message)).toContain("simulator.faults.rate429: 3 is too big");
    expect((error as TopologyError).issues.map((issue) => issue.path)).toEqual(["simulator.faults.rate429"]);
  });

  it("the CLI's starter refuses a block it was not given checked, naming the field", async () => {
    await expect(builtInSimulator.start({ port: -1 }, dir, silentLogger())).rejects.toThrow(ConfigError);
    await expect(builtInSimulator.start({ port: -1 }, dir, silentLogger())).rejects.toThrow(
      /invalid simulator settings: simulator\.port/,
    );
  });
});
