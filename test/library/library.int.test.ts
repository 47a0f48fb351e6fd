import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Sample } from "../../protocol/schemas.ts";

// The package as a library user gets it: built with its own build script, imported by plain node (no tsx, no
// loader flags) through the package's `exports`, from the example and from a script that follows a run's events.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = join(ROOT, "examples/library/generate.mjs");
const FOLLOW = join(ROOT, "test/library/follow-run.mjs");
const run = promisify(execFile);

/** Plain node, as a user runs it: no loader in the flags or in NODE_OPTIONS. */
function node(args: string[], timeout = 90_000) {
  const { NODE_OPTIONS: _loaders, ...env } = process.env;
  return run(process.execPath, args, { cwd: ROOT, env, timeout, maxBuffer: 16 * 1024 * 1024 });
}

const FollowedRun = z.object({
  types: z.array(z.string()),
  status: z.string(),
  samples: z.number(),
  datasetPath: z.string(),
  runId: z.string(),
  stopReturnedResult: z.boolean().optional(),
});

async function readDataset(path: string): Promise<Sample[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => Sample.parse(JSON.parse(line)));
}

/** A consumer's use of the library: it type-checks only if the declarations carry the types through. */
const CONSUMER = `import { generate, runTopology, type RunOutcome, type Sample } from "nanoflux";
const outcome: RunOutcome = await generate({ target: 3, outDir: "runs" });
const first: Sample | undefined = outcome.samples[0];
const level: "L1" | "L2" | "L3" | "L4" | "L5" | undefined = first?.verdict.level;
const run = runTopology("topology.yaml", { signal: AbortSignal.timeout(1000) });
for await (const event of run.events) if (event.type === "run.completed.v1") console.log(event.status);
// @ts-expect-error: a report's status is a string
const wrong: number = outcome.report.status;
console.log(level, wrong, (await run.stop()).report.accepted);
`;

let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "nanoflux-library-"));
  await node([join(ROOT, "scripts/build-lib.mjs")], 55_000);
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("the library, built and imported by plain node", () => {
  it("ships JavaScript and type declarations for its entry", async () => {
    for (const file of ["dist/index.js", "dist/index.d.ts", "dist/api/run-topology.d.ts"])
      await expect(access(join(ROOT, file))).resolves.toBeUndefined();
    const declarations = await readFile(join(ROOT, "dist/index.d.ts"), "utf8");
    expect(declarations).toMatch(/\bgenerate\b/);
    expect(declarations).toMatch(/\brunTopology\b/);
    // What the code reads beside itself came along: the demo topology and the domain packs.
    await expect(access(join(ROOT, "dist/topologies/demo.yaml"))).resolves.toBeUndefined();
    await expect(access(join(ROOT, "dist/prompts/math"))).resolves.toBeUndefined();
  });

  it("types a TypeScript consumer's calls from the declarations alone (no .ts imports allowed there)", async () => {
    const consumer = join(outDir, "consumer");
    await mkdir(join(consumer, "node_modules"), { recursive: true });
    await symlink(ROOT, join(consumer, "node_modules", "nanoflux"), "dir");
    await symlink(join(ROOT, "node_modules", "@types"), join(consumer, "node_modules", "@types"), "dir");
    await writeFile(join(consumer, "package.json"), '{ "type": "module" }\n');
    const compilerOptions = {
      module: "NodeNext",
      strict: true,
      noEmit: true,
      types: ["node"],
      target: "ES2022",
    };
    await writeFile(join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["use.ts"] }));
    await writeFile(join(consumer, "use.ts"), CONSUMER);
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    await expect(node([tsc, "-p", consumer], 60_000)).resolves.toMatchObject({ stdout: "" });
  });

  it("starts nothing on import: the process ends by itself right after", async () => {
    const { stdout, stderr } = await node(
      ["--input-type=module", "-e", 'const m = await import("nanoflux"); console.log(typeof m.generate);'],
      15_000,
    );
    expect(stdout.trim()).toBe("function");
    expect(stderr).toBe("");
  });

  it("runs the example: a small dataset on the simulator, every line a Sample", async () => {
    const { stdout } = await node([EXAMPLE, join(outDir, "example")]);
    expect(stdout).toMatch(/^target_reached: \d+ samples from \d+ rounds/);
    const datasetPath = /^dataset: (.+)$/m.exec(stdout)?.[1];
    expect(datasetPath).toBeDefined();
    const samples = await readDataset(datasetPath ?? "");
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(stdout).toContain(`: ${samples.length} samples`);
    // What made it, as the built code recorded it for the dataset card: its version and the prompt packs.
    const record = JSON.parse(await readFile(join(dirname(datasetPath ?? ""), "run.json"), "utf8"));
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    expect(record.provenance).toMatchObject({ nanofluxVersion: version });
  });

  it("follows a run's events from run.started to run.completed, in order", async () => {
    const { stdout } = await node([FOLLOW, join(outDir, "follow"), "complete"]);
    const followed = FollowedRun.parse(JSON.parse(stdout));
    expect(followed.status).toBe("target_reached");
    expect(followed.types[0]).toBe("run.started.v1");
    expect(followed.types.at(-1)).toBe("run.completed.v1");
    expect(followed.types.filter((t) => t === "run.started.v1" || t === "run.completed.v1")).toHaveLength(2);
    const closedAt = followed.types.indexOf("round.closed.v1");
    expect(closedAt).toBeGreaterThan(followed.types.indexOf("round.opened.v1"));
    const samples = await readDataset(followed.datasetPath);
    expect(samples).toHaveLength(followed.samples);
    expect(samples.every((s) => s.runId === followed.runId)).toBe(true);
  });

  it("stop() drains the run and resolves its result as interrupted", async () => {
    const { stdout } = await node([FOLLOW, join(outDir, "stop"), "stop"]);
    const followed = FollowedRun.parse(JSON.parse(stdout));
    expect(followed.status).toBe("interrupted");
    expect(followed.stopReturnedResult).toBe(true);
    expect(followed.types[0]).toBe("run.started.v1");
    expect(followed.types).toContain("round.closed.v1");
    expect(followed.types).not.toContain("run.completed.v1");
    expect(await readDataset(followed.datasetPath)).toHaveLength(followed.samples);
  });
});
