import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import type { AblationRecord } from "../../runner/ablation/record.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/**
 * `nanoflux ablate` end to end on the simulator: a generation run, a fine-tune and an evaluation per cell (2
 * levels x 2 complexities), the base model and a full-benchmark fine-tune, then the table, the charts and the
 * compute figures; a second invocation resumes without redoing anything.
 */
describe("nanoflux ablate", () => {
  let dir: string;
  let topology: string;
  let spec: string;
  beforeAll(async () => {
    const written = await writeTestTopology({
      target: 5,
      concurrency: 4,
      curation: { noveltyThreshold: 0.95 },
      // The simulated models know the benchmark's answers, as real models know their subject.
      simulator: { benchmarks: [join(defaultBenchmarksDir(), "gsm8k-test.jsonl")] },
    });
    dir = written.dir;
    topology = written.file;
    const parsed = parse(await readFile(topology, "utf8")) as Record<string, unknown>;
    parsed.training = {
      backend: "openai",
      model: "weak",
      pollMs: 50,
      hyperparameters: { epochs: 1, batchSize: 4 },
    };
    await writeFile(topology, stringify(parsed));
    spec = join(dir, "ablation.yaml");
    await writeFile(
      spec,
      stringify({
        name: "levels",
        benchmark: "gsm8k",
        evalItems: 40,
        levels: ["L3", "L4"],
        complexities: [2, 3],
        sizes: [3],
        fullBenchmark: "gsmhard",
        parameters: 4e9,
      }),
    );
  });

  const ablate = async () => {
    const child = spawnNanoflux(["ablate", topology, "--spec", spec], {}, { cwd: dir });
    const code = await exited(child);
    return { code, output: child.output() };
  };

  it("trains and evaluates every cell, writes the table, the charts and the compute figures", async () => {
    const { code, output } = await ablate();
    expect(code, output).toBe(0);
    const out = join(dir, "runs", "ablations", "levels");
    const record = JSON.parse(await readFile(join(out, "ablation.json"), "utf8")) as AblationRecord;
    expect(record.simulated).toBe(true);
    expect(record.cells.map((c) => c.id).sort()).toEqual(["L3-c2-n3", "L3-c3-n3", "L4-c2-n3", "L4-c3-n3"]);
    const trained = record.cells.filter((c) => c.eval);
    expect(trained.length).toBeGreaterThanOrEqual(2);
    for (const cell of trained) {
      expect(cell.samples).toBeGreaterThan(0);
      expect(cell.samples).toBeLessThanOrEqual(3);
      expect(cell.compute?.trainedTokens).toBeGreaterThan(0);
      expect(cell.compute?.flops).toBe(6 * 4e9 * (cell.compute?.trainedTokens ?? 0));
      expect(cell.loss.length).toBeGreaterThan(0);
      expect(cell.eval?.n).toBe(40);
    }
    // The full-benchmark fine-tune trained on every GSM-Hard item: far more compute than any cell.
    expect(record.full?.samples).toBeGreaterThanOrEqual(1000);
    expect(record.full?.compute?.trainedTokens).toBeGreaterThan(
      100 * (trained[0]?.compute?.trainedTokens ?? 0),
    );
    expect(record.base?.n).toBe(40);
    // The simulator's stand-in effect: a thousand examples make the model stronger, so evaluation reached it.
    expect(record.full?.eval?.accuracy).toBeGreaterThan(record.base?.accuracy ?? 1);

    const table = await readFile(join(out, "ablation.md"), "utf8");
    expect(table).toMatch(/Measured on the simulator/);
    expect(table).toMatch(/\| L4-c2-n3 \|/);
    expect(table).toMatch(/\| full benchmark \| \d+ \|/);
    expect(table).toMatch(/x less \|/);
    expect(output).toMatch(/compute vs full/);
    for (const chart of ["accuracy.svg", "loss.svg"]) {
      const svg = await readFile(join(out, chart), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toMatch(/On the simulator/);
    }
    expect(await readFile(join(out, "accuracy.svg"), "utf8")).toMatch(/quality level/);

    // `compare` reads the fine-tunes' compute from the evaluations and prints the ratio against the full one.
    const compare = spawnNanoflux(
      [
        "compare",
        `base=${record.base?.summaryFile}`,
        `full=${record.full?.eval?.summaryFile}`,
        `${trained[0]?.id}=${trained[0]?.eval?.summaryFile}`,
        "--full",
        "full",
      ],
      {},
      { cwd: dir },
    );
    expect(await exited(compare), compare.output()).toBe(0);
    expect(compare.output()).toMatch(/compute vs full/);
    expect(compare.output()).toMatch(new RegExp(`${trained[0]?.id} +\\d+ +[\\d.]+e\\d+ +[\\d.]+x less`));
    expect(compare.output()).toMatch(/full +\d+ +[\d.]+e\d+ +baseline/);
  });

  it("resumes: a second invocation redoes no cell", async () => {
    const out = join(dir, "runs", "ablations", "levels");
    const before = await stat(join(out, "cells", "L4-c2-n3", "result.json"));
    const { code, output } = await ablate();
    expect(code, output).toBe(0);
    expect(output).toMatch(/Nothing new to do/);
    expect(output).toMatch(/generating: run ablate-levels-[0-9a-f]{8} finished before/);
    expect(output.match(/: done before/g)?.length).toBe(6);
    expect((await stat(join(out, "cells", "L4-c2-n3", "result.json"))).mtimeMs).toBe(before.mtimeMs);
  });

  it("refuses a bad spec before anything is created, naming the field", async () => {
    await writeFile(spec.replace(".yaml", "-bad.yaml"), stringify({ benchmark: "gsm8k", levels: ["L9"] }));
    const child = spawnNanoflux(
      ["ablate", topology, "--spec", spec.replace(".yaml", "-bad.yaml")],
      {},
      { cwd: dir },
    );
    expect(await exited(child)).toBe(2);
    expect(child.output()).toMatch(/levels\.0: /);
    // A name is a folder: a path in it is refused, and nothing is written outside the ablations folder.
    const traversal = spec.replace(".yaml", "-traversal.yaml");
    await writeFile(traversal, stringify({ name: "../../escape", benchmark: "gsm8k" }));
    const escaping = spawnNanoflux(["ablate", topology, "--spec", traversal], {}, { cwd: dir });
    expect(await exited(escaping)).toBe(2);
    expect(escaping.output()).toMatch(/name: 1-64 letters/);
    await expect(stat(join(dir, "escape"))).rejects.toThrow(/ENOENT/);
  });
});
