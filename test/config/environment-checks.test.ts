import { access, chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentModule } from "../../agents/registry.ts";
import { parseTopology } from "../../config/load.ts";
import { checkPluginModule, PLUGIN_PATH_ENV } from "../../config/plugin-modules.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { checkEnvironment } from "../../runner/environment-checks.ts";
import { editedTopology } from "./broken-topologies.ts";

const CRITIC = fileURLToPath(new URL("../../examples/critic/critic.ts", import.meta.url));

/** A plug-in whose top-level code leaves a marker file beside it: proof that it was imported. */
const MARKER_PLUGIN = `import { writeFileSync } from "node:fs";
writeFileSync(new URL("./marker", import.meta.url), "ran");
export default { type: "marker", create: async () => ({ handlers: [] }), options: { safeParse: (v) => ({ success: true, data: v }) } };
`;

let root: string;
/** The topology's folder. */
let project: string;
/** A folder outside it. */
let elsewhere: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nf-env-checks-"));
  project = join(root, "project");
  elsewhere = join(root, "elsewhere");
  await mkdir(join(project, "plugins"), { recursive: true });
  await mkdir(elsewhere);
  await writeFile(join(project, "plugins", "marker.mjs"), MARKER_PLUGIN);
  await writeFile(join(elsewhere, "marker.mjs"), MARKER_PLUGIN);
  await writeFile(join(project, "notes.txt"), "not code\n");
  await symlink(join(elsewhere, "marker.mjs"), join(project, "escape.mjs"));
  await writeFile(join(project, "a-file"), "in the way\n");
  await mkdir(join(project, "folder.jsonl"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const topologyFile = () => join(project, "topology.yaml");

function topology(edit: (t: Record<string, unknown> & { agents: unknown[] }) => void) {
  return parseTopology(editedTopology(edit as never), topologyFile(), {});
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe("checkPluginModule", () => {
  it.each([
    ["a missing file", "./plugins/missing.ts", /does not exist/],
    ["a file that is not a module", "/etc/passwd", /is not a \.ts, \.mts, \.js, \.mjs file/],
    ["a text file in the folder", "./notes.txt", /is not a \.ts, \.mts, \.js, \.mjs file/],
    ["a module outside the topology's folder", "../elsewhere/marker.mjs", /outside the topology's folder/],
    ["a symlink pointing outside", "./escape.mjs", /\(really .*elsewhere.*\) is outside/],
  ])("refuses %s", async (_, modulePath, why) => {
    const checked = await checkPluginModule(modulePath, project, {});
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(why);
  });

  it("refuses a folder, even with a module's extension", async () => {
    await mkdir(join(project, "folder.ts"), { recursive: true });
    const checked = await checkPluginModule("./folder.ts", project, {});
    expect(checked).toMatchObject({ ok: false, message: expect.stringMatching(/not a regular file/) });
  });

  it("accepts a module under the topology's folder, one in a folder the user allowed, and NanoFlux's own", async () => {
    expect(await checkPluginModule("./plugins/marker.mjs", project, {})).toMatchObject({ ok: true });
    expect(
      await checkPluginModule("../elsewhere/marker.mjs", project, {
        [PLUGIN_PATH_ENV]: `/nowhere:${elsewhere}`,
      }),
    ).toMatchObject({ ok: true, file: join(elsewhere, "marker.mjs") });
    expect(await checkPluginModule(CRITIC, project, {})).toMatchObject({ ok: true, file: CRITIC });
  });

  it("tells how to allow a folder outside", async () => {
    const checked = await checkPluginModule("../elsewhere/marker.mjs", project, {});
    expect(checked).toMatchObject({
      ok: false,
      hint: expect.stringContaining(`${PLUGIN_PATH_ENV}=${elsewhere}`),
    });
  });
});

describe("loadAgentModule", () => {
  it("refuses a module that fails the path rules without importing it", async () => {
    await expect(loadAgentModule("../elsewhere/marker.mjs", project, "marker", {})).rejects.toThrow(
      ConfigError,
    );
    expect(await exists(join(elsewhere, "marker"))).toBe(false);
  });
});

describe("checkEnvironment", () => {
  it("checks a plug-in's path without running it, and runs it only when asked to load plug-ins", async () => {
    const checked = topology((t) => t.agents.push({ type: "marker", module: "./plugins/marker.mjs" }));
    expect(await checkEnvironment(checked, { file: topologyFile(), env: {} })).toEqual([]);
    expect(await exists(join(project, "plugins", "marker"))).toBe(false);

    expect(await checkEnvironment(checked, { file: topologyFile(), loadPlugins: true, env: {} })).toEqual([]);
    expect(await exists(join(project, "plugins", "marker"))).toBe(true);
  });

  it("reports a plug-in outside the folder at its field path, loaded or not", async () => {
    const checked = topology((t) => t.agents.push({ type: "marker", module: "/etc/passwd" }));
    for (const loadPlugins of [false, true]) {
      const issues = await checkEnvironment(checked, { file: topologyFile(), loadPlugins, env: {} });
      expect(issues.map((i) => i.path)).toEqual(["agents[5].module"]);
    }
  });

  it("checks built-in agents' options always, and plug-ins' options only when loaded", async () => {
    const checked = topology((t) => {
      t.agents.push({ type: "critic", module: CRITIC, options: { minStepsPerHop: -1 } });
      Object.assign(t.agents[3] as object, { options: { pythonTimeoutMs: "soon" } });
    });
    const unloaded = await checkEnvironment(checked, { file: topologyFile(), env: {} });
    expect(unloaded.map((i) => i.path)).toEqual(["agents[3].options.pythonTimeoutMs"]);
    const loaded = await checkEnvironment(checked, { file: topologyFile(), loadPlugins: true, env: {} });
    expect(loaded.map((i) => i.path)).toEqual([
      "agents[3].options.pythonTimeoutMs",
      "agents[5].options.minStepsPerHop",
    ]);
  });

  it("reports unknown domains with a suggestion", async () => {
    const checked = topology((t) => Object.assign(t, { run: { domains: ["math", "maths"] } }));
    const issues = await checkEnvironment(checked, { file: topologyFile(), env: {} });
    expect(issues).toEqual([
      expect.objectContaining({ path: "run.domains[1]", hint: expect.stringMatching(/math/) }),
    ]);
  });

  it("reports output folders under a file or on the kernel's /proc, creating nothing", async () => {
    const checked = topology((t) =>
      Object.assign(t, {
        run: { outDir: join(project, "a-file", "runs") },
        curation: { storePath: "/proc/nanoflux-store" },
      }),
    );
    const issues = await checkEnvironment(checked, { file: topologyFile(), env: {} });
    expect(issues).toEqual([
      expect.objectContaining({ path: "run.outDir", message: expect.stringMatching(/a-file.* is a file/) }),
      expect.objectContaining({
        path: "curation.storePath",
        message: expect.stringMatching(/proc filesystem/),
      }),
    ]);
    expect(await exists("/proc/nanoflux-store")).toBe(false);
  });

  it("accepts output folders that do not exist yet under a writable one, creating nothing", async () => {
    const checked = topology((t) =>
      Object.assign(t, {
        run: { outDir: join(project, "new", "runs") },
        curation: { storePath: join(project, "new", "store") },
      }),
    );
    expect(await checkEnvironment(checked, { file: topologyFile(), env: {} })).toEqual([]);
    expect(await exists(join(project, "new"))).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)("reports an output folder that cannot be written", async () => {
    const locked = join(root, "locked");
    await mkdir(locked, { mode: 0o500 });
    const checked = topology((t) => Object.assign(t, { curation: { storePath: join(locked, "store") } }));
    const issues = await checkEnvironment(checked, { file: topologyFile(), env: {} });
    expect(issues).toEqual([
      expect.objectContaining({ path: "curation.storePath", message: expect.stringMatching(/not writable/) }),
    ]);
    await chmod(locked, 0o700);
  });

  it("reports benchmark files that cannot be read, each at its field path", async () => {
    const checked = topology((t) =>
      Object.assign(t, {
        curation: {
          decontamination: {
            benchmarks: [join(project, "missing.jsonl"), "gsm9k", join(project, "folder.jsonl")],
          },
        },
      }),
    );
    const issues = await checkEnvironment(checked, { file: topologyFile(), env: {} });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["curation.decontamination.benchmarks[0]", expect.stringMatching(/does not exist/)],
      ["curation.decontamination.benchmarks[1]", expect.stringMatching(/unknown benchmark "gsm9k"/)],
      ["curation.decontamination.benchmarks[2]", expect.stringMatching(/folder\.jsonl is a folder/)],
    ]);
    expect(await readdir(project)).not.toContain("runs");
  });
});
