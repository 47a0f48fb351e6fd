import { access, mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BROKEN_TOPOLOGIES, editedTopology } from "../config/broken-topologies.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";

// Each CLI start costs about a second of CPU, so a run checks many files and the tests read its output per file.

const TOPOLOGIES = fileURLToPath(new URL("../../topologies/", import.meta.url));
const CRITIC = fileURLToPath(new URL("../../examples/critic/critic.ts", import.meta.url));
/** Example topologies for a shared NATS cluster read its address from here. */
const CLUSTER_ENV = { NATS_URL: "nats://nats-1:4222,nats://nats-2:4222" };

interface Validation {
  code: number | null;
  output: string;
}

async function validate(
  files: string[],
  env: NodeJS.ProcessEnv = {},
  flags: string[] = [],
): Promise<Validation> {
  const child = spawnNanoflux(["validate", ...flags, ...files], env);
  return { code: await exited(child), output: child.output() };
}

/** What validate printed about one file: its `ok` line, or its error with the indented problems below. */
function reportFor(output: string, file: string): string {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`${file}: `));
  if (start < 0) return "";
  const end = lines.findIndex((line, i) => i > start && !line.startsWith("  "));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

/** The message and hint of the problem reported at `path`. */
function problemAt(report: string, path: string): { message: string; hint: string } | undefined {
  const entry = report.split("\n  - ").find((e) => e.startsWith(`${path}: `));
  if (!entry) return undefined;
  const [message = "", hint = ""] = entry.slice(path.length + 2).split("\n      hint: ");
  return { message, hint };
}

function expectNoStackTrace(output: string): void {
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nanoflux-validate-"));
});

async function writeTopology(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe("nanoflux validate", () => {
  it("passes every example topology", async () => {
    const examples = (await readdir(TOPOLOGIES)).filter((f) => f.endsWith(".yaml"));
    expect(examples).toEqual(
      expect.arrayContaining([
        "demo.yaml",
        "self-play.yaml",
        "tournament-3.yaml",
        "multi-host.yaml",
        "curators-on-two-hosts.yaml",
        "ablation-demo.yaml",
        "with-critic.yaml",
      ]),
    );
    const files = examples.map((f) => join(TOPOLOGIES, f));
    const { code, output } = await validate(files, CLUSTER_ENV);
    for (const file of files)
      expect(reportFor(output, file).split("\n")[0]).toMatch(/: ok \(\d+ models, \d+ agents\)$/);
    expect(reportFor(output, join(TOPOLOGIES, "with-critic.yaml"))).toContain(
      "note: agents[4].options not checked: plug-in ../examples/critic/critic.ts was not run; --load-plugins checks",
    );
    expect(code).toBe(0);
  });

  describe("broken topologies, one file per mistake", () => {
    let run: Validation;
    const files = new Map<string, string>();
    beforeAll(async () => {
      for (const broken of BROKEN_TOPOLOGIES)
        files.set(
          broken.mistake,
          await writeTopology(`${broken.mistake.replace(/\W+/g, "-")}.yaml`, broken.text),
        );
      const good = await writeTopology(
        "good.yaml",
        editedTopology(() => undefined),
      );
      run = await validate([...files.values(), good]);
    });

    it("exits with 2, still checking the good file, with no stack trace", () => {
      expect(run.code).toBe(2);
      expect(reportFor(run.output, join(dir, "good.yaml")).split("\n")[0]).toMatch(
        /ok \(2 models, 5 agents\)$/,
      );
      expectNoStackTrace(run.output);
    });

    it.each(BROKEN_TOPOLOGIES)("$mistake: the field path and a hint", ({ mistake, path, hint }) => {
      const report = reportFor(run.output, files.get(mistake) as string);
      expect(report).toMatch(/: invalid topology \(\d+ problems?\)/);
      const problem = problemAt(report, path);
      expect(problem, report).toBeDefined();
      expect(problem?.hint).toMatch(hint);
    });
  });

  describe("plug-in code runs only with --load-plugins", () => {
    const marker = () => join(dir, "plugins", "marker");
    let file: string;
    beforeAll(async () => {
      await mkdir(join(dir, "plugins"));
      await writeTopology(
        "plugins/marker.mjs",
        `import { writeFileSync } from "node:fs";
writeFileSync(new URL("./marker", import.meta.url), "ran");
export default { type: "marker", create: async () => ({ handlers: [] }), options: { safeParse: (v) => ({ success: true, data: v }) } };
`,
      );
      file = await writeTopology(
        "marker.yaml",
        editedTopology((t) => t.agents.push({ type: "marker", module: "./plugins/marker.mjs" } as never)),
      );
    });

    it("validate checks the module's path, says its options were not checked, and does not run it", async () => {
      const { code, output } = await validate([file]);
      expect(code).toBe(0);
      expect(reportFor(output, file)).toMatch(
        /ok \(2 models, 6 agents\)\n {2}note: agents\[5\]\.options not checked: plug-in \.\/plugins\/marker\.mjs was not run; --load-plugins checks its exports and options by running the module's code\n/,
      );
      await expect(access(marker())).rejects.toThrow(/ENOENT/);
    });

    it("validate --load-plugins runs it", async () => {
      const { code, output } = await validate([file], {}, ["--load-plugins"]);
      expect(code, output).toBe(0);
      expect(reportFor(output, file).split("\n")[0]).toMatch(/ok \(2 models, 6 agents\)$/);
      await expect(access(marker())).resolves.toBeUndefined();
    });
  });

  it("warns, without failing, when dataset.license is unset; a licence that is no id is an error", async () => {
    const unset = await writeTopology(
      "no-license.yaml",
      editedTopology(() => undefined),
    );
    const set = await writeTopology(
      "license.yaml",
      editedTopology((t) => {
        t.dataset = { license: "cc-by-4.0" };
      }),
    );
    const bad = await writeTopology(
      "bad-license.yaml",
      editedTopology((t) => {
        t.dataset = { license: "Apache 2.0" };
      }),
    );
    const { code, output } = await validate([unset, set, bad]);
    expect(code).toBe(2);
    expect(reportFor(output, unset)).toMatch(
      /: ok \(2 models, 5 agents\)\n {2}warning: dataset\.license is not set: an export's dataset card will say `license: unknown`; set it to the Hugging Face licence id you publish under \(e\.g\. apache-2\.0, cc-by-4\.0\)$/,
    );
    expect(reportFor(output, set)).toMatch(/: ok \(2 models, 5 agents\)$/);
    expect(problemAt(reportFor(output, bad), "dataset.license")?.hint).toMatch(
      /Hugging Face Hub's licence id, lower case, e\.g\. apache-2\.0/,
    );
  });

  it("refuses a module path outside the topology's folder or not a module, without loading it", async () => {
    const file = await writeTopology(
      "passwd.yaml",
      editedTopology((t) => {
        t.agents.push({ type: "critic", module: "/etc/passwd" } as never);
        t.agents.push({ type: "other", module: "../../../../../../../../../tmp/other.ts" } as never);
      }),
    );
    const { code, output } = await validate([file], {}, ["--load-plugins"]);
    expect(code).toBe(2);
    const report = reportFor(output, file);
    expect(problemAt(report, "agents[5].module")?.message).toBe(
      "agent module /etc/passwd: /etc/passwd is not a .ts, .mts, .js, .mjs file",
    );
    expect(problemAt(report, "agents[6].module")?.message).toMatch(/\/tmp\/other\.ts does not exist/);
    expectNoStackTrace(output);
  });

  it("reports folders a run could not write and files it could not read, creating nothing", async () => {
    await writeTopology("in-the-way", "a file\n");
    const file = await writeTopology(
      "paths.yaml",
      editedTopology((t) =>
        Object.assign(t, {
          run: { outDir: join(dir, "in-the-way", "runs") },
          curation: {
            storePath: "/proc/nanoflux-store",
            decontamination: { benchmarks: [join(dir, "missing.jsonl")] },
          },
        }),
      ),
    );
    const { code, output } = await validate([file]);
    expect(code).toBe(2);
    const report = reportFor(output, file);
    expect(problemAt(report, "run.outDir")?.message).toMatch(/in-the-way, above .*, is a file, not a folder/);
    expect(problemAt(report, "curation.storePath")?.message).toMatch(/proc filesystem/);
    expect(problemAt(report, "curation.decontamination.benchmarks[0]")?.message).toMatch(/does not exist/);
    await expect(access("/proc/nanoflux-store")).rejects.toThrow(/ENOENT/);
  });

  it("rejects a plug-in module that exports no agent, naming the module", async () => {
    await writeTopology("not-an-agent.mjs", "export const critic = { type: 'critic' };\n");
    const file = await writeTopology(
      "plug-in.yaml",
      editedTopology((t) => t.agents.push({ type: "critic", module: "./not-an-agent.mjs" } as never)),
    );
    const { code, output } = await validate([file], {}, ["--load-plugins"]);
    expect(code).toBe(2);
    const problem = problemAt(reportFor(output, file), "agents[5].module");
    expect(problem?.message).toContain("agent module ./not-an-agent.mjs does not export a valid agent");
    expect(problem?.hint).toContain("defineAgent");
    expectNoStackTrace(output);
  });

  it("checks plug-in options against the plug-in's schema, and domains against the packs", async () => {
    const file = await writeTopology(
      "options.yaml",
      editedTopology((t) => {
        t.agents.push({ type: "critic", module: CRITIC, options: { minStepsPerHop: -1 } } as never);
        Object.assign(t, { run: { domains: ["math", "maths"] } });
      }),
    );
    const { code, output } = await validate([file], {}, ["--load-plugins"]);
    expect(code).toBe(2);
    const report = reportFor(output, file);
    expect(problemAt(report, "agents[5].options.minStepsPerHop")).toEqual({
      message: "-1 is too small",
      hint: "use a positive number",
    });
    expect(problemAt(report, "run.domains[1]")?.hint).toMatch(/^did you mean "math"\?/);
  });
});
