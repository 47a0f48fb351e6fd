import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sample } from "../curation/support/samples.ts";
import { exited } from "../support/child-agent.ts";

const CLI = fileURLToPath(new URL("../../bin/nanoflux.mjs", import.meta.url));

/** `nanoflux export <args>` run from `cwd`, as a user in their project folder would. */
async function exportFrom(cwd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [CLI, "export", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { code: await exited(child), output };
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

describe("nanoflux export", () => {
  it("run from a project's root with --out train.jsonl, leaves its README.md alone: exit 2, nothing written", async () => {
    const { code, output } = await exportFrom(project, ["runs/run-1", "--out", "train.jsonl"]);
    expect(code, output).toBe(2);
    expect(output).toContain(
      `the export would overwrite ${join(project, "README.md")}, which no earlier export wrote`,
    );
    expect(output).toContain("choose an empty folder with --out, or pass --force to overwrite them");
    expect(await readFile(join(project, "README.md"), "utf8")).toBe(README);
    expect((await readdir(project)).sort()).toEqual(["README.md", "runs"]);
  });

  it("a folder that is not a run: exit 2, and no output folder is created", async () => {
    const { code, output } = await exportFrom(project, ["runs", "--out", "out/train.jsonl"]);
    expect(code, output).toBe(2);
    expect(output).toMatch(/dataset\.jsonl not found: pass the folder of a run/);
    expect((await readdir(project)).sort()).toEqual(["README.md", "runs"]);
  });
});
