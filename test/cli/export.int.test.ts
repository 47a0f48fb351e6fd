import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { RunStarted } from "../../protocol/messages.ts";
import { sample } from "../curation/support/samples.ts";
import {
  loadWithPython,
  pythonReader,
  pythonSkipNote,
  REQUIRE_PYTHON,
} from "../export/support/independent-readers.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";

/** `nanoflux <args>` run from `cwd`, as a user in their project folder would. */
async function nanoflux(cwd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawnNanoflux(args, {}, { cwd });
  return { code: await exited(child), output: child.output() };
}

let project: string;
const README = "# My project\n\nNot a dataset card.\n";

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "nf-export-cli-"));
  await writeFile(join(project, "README.md"), README);
  await mkdir(join(project, "runs", "run-1"), { recursive: true });
  await writeFile(join(project, "runs", "run-1", "dataset.jsonl"), `${JSON.stringify(sample(1))}\n`);
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("nanoflux export: input mistakes exit 2 and create nothing", () => {
  it("--out . from a project's root leaves its README.md alone", async () => {
    const { code, output } = await nanoflux(project, ["export", "runs/run-1", "--out", "."]);
    expect(code, output).toBe(2);
    expect(output).toContain(
      `the export would overwrite ${join(project, "README.md")}, which no earlier export wrote`,
    );
    expect(output).toContain("choose an empty folder with --out, or pass --force to overwrite them");
    expect(await readFile(join(project, "README.md"), "utf8")).toBe(README);
    expect((await readdir(project)).sort()).toEqual(["README.md", "runs"]);
  });

  it("a folder that is not a run, a file name as --out, a bad fraction", async () => {
    const cases: [string[], RegExp][] = [
      [["export", "runs", "--out", "out"], /dataset\.jsonl not found: pass the folder of a run/],
      [["export", "runs/run-1", "--out", "train.jsonl"], /--out names the export folder .* not a file/],
      [["export", "runs/run-1", "--out", "out", "--validation", "2"], /--validation 2: give the share/],
      [["export", "runs/run-1", "--format", "csv"], /Allowed choices are parquet, jsonl/],
    ];
    // Each CLI start costs about a second of CPU: the cases run side by side.
    const results = await Promise.all(cases.map(([args]) => nanoflux(project, args)));
    results.forEach(({ code, output }, i) => {
      expect(code, output).toBe(2);
      expect(output).toMatch(cases[i]?.[1] ?? /never/);
    });
    expect((await readdir(project)).sort()).toEqual(["README.md", "runs"]);
    expect(await readdir(join(project, "runs", "run-1"))).toEqual(["dataset.jsonl"]);
  });

  it("--help shows the folder's layout and one Examples section, with several formats and a split", async () => {
    const { code, output } = await nanoflux(project, ["export", "--help"]);
    expect(code).toBe(0);
    expect(output).toContain("<format>/train.parquet     every config's rows in Parquet");
    expect(output.match(/^Examples?:$/gm)).toEqual(["Examples:"]);
    expect(output).toMatch(/^ {2}nanoflux export runs\/\S+ --format parquet,openai-chat --validation 0\.1 /m);
    expect(output).not.toContain("for the Hugging Face Hub");
  });

  it("the reviewer's reproduction: a manifest listing ../victim.txt deletes nothing, exit 2", async () => {
    const victim = join(project, "victim.txt");
    await writeFile(victim, "precious\n");
    const folder = join(project, "downloaded");
    await mkdir(folder);
    const hash = createHash("sha256").update("precious\n").digest("hex");
    const manifest = join(folder, ".nanoflux-export.json");
    await writeFile(manifest, JSON.stringify({ version: 1, files: { "../victim.txt": hash } }));
    const { code, output } = await nanoflux(project, ["export", "runs/run-1", "--out", folder]);
    expect(code, output).toBe(2);
    expect(output).toContain(`${manifest} lists "../victim.txt"`);
    expect(output).toContain("nothing was written or removed");
    expect(await readFile(victim, "utf8")).toBe("precious\n");
    expect(await readdir(folder)).toEqual([".nanoflux-export.json"]);
    await rm(folder, { recursive: true });
    await rm(victim);
  });
});

const python = await pythonReader();

describe("nanoflux export of a real run (the simulator)", () => {
  let runDir: string;

  beforeAll(async () => {
    const { code, output } = await nanoflux(project, ["run", "--target", "3", "--out", "sim-runs"]);
    expect(code, output).toBe(0);
    const [runId] = (await readdir(join(project, "sim-runs"))).filter((name) => name.startsWith("run-"));
    runDir = join(project, "sim-runs", runId ?? "");
  }, 120_000);

  it("run.json records the models, the topology and the provenance", async () => {
    const started = RunStarted.parse(JSON.parse(await readFile(join(runDir, "run.json"), "utf8")));
    expect(started.models.map((m) => m.model)).toEqual(["sim-alpha", "sim-beta", "sim-judge"]);
    expect(started.provenance?.nanofluxVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(started.provenance?.promptPacks).toEqual([
      { domain: "math", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it("parquet, then openai-chat with a validation split: one card for both, with what made them", async () => {
    const first = await nanoflux(project, [
      "export",
      runDir,
      "--format",
      "parquet",
      "--license",
      "cc-by-4.0",
    ]);
    expect(first.code, first.output).toBe(0);
    const second = await nanoflux(project, [
      "export",
      runDir,
      "--format",
      "openai-chat",
      "--validation",
      "0.3",
      "--license",
      "cc-by-4.0",
    ]);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain("configs: parquet, openai-chat (default parquet)");
    expect(second.output).toContain("warning: decontamination was off for this run");
    const out = join(runDir, "export");
    const card = await readFile(join(out, "README.md"), "utf8");
    const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)?.[1] ?? "") as Record<string, unknown>;
    expect(front).toMatchObject({ license: "cc-by-4.0", pretty_name: "demo (NanoFlux)" });
    expect((front.configs as { config_name: string }[]).map((c) => c.config_name)).toEqual([
      "parquet",
      "openai-chat",
    ]);
    expect(card).toMatch(/\| attacker \| alpha \| sim-alpha \| NanoFlux's built-in simulator/);
    expect(card).toMatch(/\| prompt packs \(sha256 of prompts\/<domain>\/\) \| math: [0-9a-f]{64} \|/);
    expect(card).toContain("**⚠ Decontamination was OFF for this run.**");
    expect(card).toContain("<summary>Full generation config (topology)</summary>");
    expect(card).toMatch(/^ {4}baseUrl: NanoFlux's built-in simulator/m);
    expect(card).not.toMatch(/127\.0\.0\.1/);
  });

  it.runIf(python.ok || REQUIRE_PYTHON)(
    `loads in datasets with no config and with each config${pythonSkipNote(python)}`,
    async () => {
      const loaded = await loadWithPython(join(runDir, "export"), ["parquet", "openai-chat"]);
      const samples = (await readFile(join(runDir, "dataset.jsonl"), "utf8")).trimEnd().split("\n").length;
      expect(loaded.loads[""]?.train?.rows).toBe(samples);
      const chat = loaded.loads["openai-chat"] ?? {};
      expect((chat.train?.rows ?? 0) + (chat.validation?.rows ?? 0)).toBe(samples);
      expect(chat.validation?.rows).toBeGreaterThan(0);
      expect(loaded.loads.parquet?.train?.first).toMatchObject({ messages: "list", solution_steps: "list" });
      expect(loaded.loads.parquet?.train?.rows_json[0]?.attacker_model).toMatch(/^sim-/);
    },
  );
});
