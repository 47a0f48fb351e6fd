import { access, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { exited, spawnNanoflux } from "../support/child-agent.ts";

// `nanoflux up` checks everything a topology names before it starts anything: each bad input exits with 2,
// names its field, and leaves no run folder, NATS store, question store or simulator behind.

const CRITIC = fileURLToPath(new URL("../../examples/critic/critic.ts", import.meta.url));

/** A plug-in whose top-level code leaves a marker file beside it. */
const MARKER_PLUGIN = `import { writeFileSync } from "node:fs";
writeFileSync(new URL("./marker", import.meta.url), "ran");
export default { type: "marker", create: async () => ({ handlers: [] }), options: { safeParse: (v) => ({ success: true, data: v }) } };
`;

let root: string;
let project: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nf-up-checks-"));
  project = join(root, "project");
  await mkdir(project);
  await mkdir(join(root, "elsewhere"));
  await writeFile(join(root, "elsewhere", "marker.mjs"), MARKER_PLUGIN);
  await writeFile(join(project, "in-the-way"), "a file\n");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A simulator-backed topology in the project folder, edited by `changes`. */
async function writeTopology(name: string, changes: Record<string, unknown>): Promise<string> {
  const topology = {
    simulator: { models: [{ name: "sim", skill: 0.9 }] },
    models: [{ id: "sim", baseUrl: "${NANOFLUX_SIM_URL}", model: "sim" }],
    agents: [
      { type: "scheduler" },
      { type: "attacker" },
      { type: "defender" },
      { type: "judge", model: "sim" },
      { type: "curator" },
    ],
    ...changes,
  };
  const file = join(project, name);
  await writeFile(file, stringify(topology));
  return file;
}

/** At debug, so that "simulator listening" would show had the simulator started. */
async function up(file: string): Promise<{ code: number | null; output: string }> {
  const child = spawnNanoflux(["up", file], { NANOFLUX_LOG_LEVEL: "debug" });
  return { code: await exited(child), output: child.output() };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe("nanoflux up refuses bad input before it starts anything", () => {
  it("an unknown domain and a plug-in's bad options: exit 2, both field paths, nothing created", async () => {
    const outDir = join(project, "runs-1");
    const storePath = join(project, "store");
    const file = await writeTopology("domains.yaml", {
      agents: [
        { type: "scheduler" },
        { type: "attacker" },
        { type: "defender" },
        { type: "judge", model: "sim" },
        { type: "curator" },
        { type: "critic", module: CRITIC, options: { minStepsPerHop: -1 } },
      ],
      run: { domains: ["math", "maths"], outDir },
      curation: { storePath },
    });
    const { code, output } = await up(file);
    expect(code, output).toBe(2);
    expect(output).toContain(`${file}: invalid topology (2 problems)`);
    expect(output).toMatch(/- run\.domains\[1\]: no domain pack "maths"/);
    expect(output).toMatch(/- agents\[5\]\.options\.minStepsPerHop: -1 is too small/);
    expect(output).not.toContain("simulator listening");
    // No run folder (nor its .nats store), no question store.
    expect(await exists(outDir)).toBe(false);
    expect(await exists(storePath)).toBe(false);
    expect(await readdir(project)).toEqual(["domains.yaml", "in-the-way"]);
  });

  it("a plug-in outside the folder, runs in /proc, a store under a file: exit 2, plug-in not run", async () => {
    const file = await writeTopology("paths.yaml", {
      agents: [
        { type: "scheduler" },
        { type: "attacker" },
        { type: "defender" },
        { type: "judge", model: "sim" },
        { type: "curator" },
        { type: "marker", module: "../elsewhere/marker.mjs" },
      ],
      run: { outDir: "/proc/nanoflux-runs" },
      curation: { storePath: join(project, "in-the-way", "store") },
    });
    const { code, output } = await up(file);
    expect(code, output).toBe(2);
    expect(output).toMatch(/- agents\[5\]\.module: agent module \.\.\/elsewhere\/marker\.mjs: .* is outside/);
    expect(output).toMatch(/- run\.outDir: cannot write there: .*proc filesystem/);
    expect(output).toMatch(/- curation\.storePath: cannot write there: .*in-the-way, above .*, is a file/);
    expect(output).not.toContain("simulator listening");
    expect(await exists(join(root, "elsewhere", "marker"))).toBe(false);
    expect(await exists("/proc/nanoflux-runs")).toBe(false);
  });
});
