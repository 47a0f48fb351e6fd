import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without type declarations
import { importViolations } from "../../scripts/check-imports.mjs";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "nanoflux-imports-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const check = async (files: Record<string, string>): Promise<string[]> =>
  (await importViolations(await tree(files))).violations;

describe("the import rules", () => {
  it("pass a tree that keeps to the layers", async () => {
    expect(
      await check({
        "protocol/messages.ts": "export const stage = 'round.opened';\n",
        "bus/bus.ts": 'import { stage } from "../protocol/messages.ts";\nexport const bus = stage;\n',
        "machines/attacker.ts": 'import { stage } from "../protocol/messages.ts";\nexport const m = stage;\n',
        "host/host.ts": 'import { bus } from "../bus/bus.ts";\nexport const host = bus;\n',
        "agents/attacker/agent.ts":
          'import { host } from "../../host/host.ts";\nimport { m } from "../../machines/attacker.ts";\nexport const a = [host, m];\n',
        "cli/main.ts":
          'import { a } from "../agents/attacker/agent.ts";\nimport { sim } from "../packages/sim/src/server.ts";\nimport { run } from "../api/run.ts";\nexport const main = [a, sim, run];\n',
        "api/run.ts":
          'import { a } from "../agents/attacker/agent.ts";\nimport { sim } from "../packages/sim/src/server.ts";\nexport const run = [a, sim];\n',
        "index.ts": 'import { run } from "./api/run.ts";\nexport const entry = run;\n',
        "packages/sim/src/server.ts":
          'import { stage } from "../../../protocol/messages.ts";\nexport const sim = stage;\n',
      }),
    ).toEqual([]);
  });

  it("keep the library (api/) on top: beside the CLI, below it only the package entry", async () => {
    const violations = await check({
      "protocol/messages.ts": "export const stage = 1;\n",
      "api/run.ts": 'import { main } from "../cli/main.ts";\nexport const run = main;\n',
      "cli/main.ts": "export const main = 1;\n",
      "runner/session.ts": 'import { run } from "../api/run.ts";\nexport const s = run;\n',
      "dashboard/board.ts": 'import { run } from "../api/run.ts";\nexport const b = run;\n',
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        "cli-on-top: api/run.ts -> cli/main.ts",
        "api-on-top: runner/session.ts -> api/run.ts",
        "api-on-top: dashboard/board.ts -> api/run.ts",
        "runner-below-the-apps: runner/session.ts -> api/run.ts",
      ]),
    );
    expect(violations).toHaveLength(4);
  });

  it("name each broken rule and each folder cycle", async () => {
    const violations = await check({
      "protocol/messages.ts": 'import { b } from "../bus/bus.ts";\nexport const stage = b;\n',
      "bus/bus.ts": 'import { d } from "../agents/defender/agent.ts";\nexport const b = d;\n',
      "agents/attacker/agent.ts": 'import { d } from "../defender/agent.ts";\nexport const a = d;\n',
      "agents/defender/agent.ts": "export const d = 1;\n",
      "runner/session.ts": 'import { sim } from "../packages/sim/src/server.ts";\nexport const s = sim;\n',
      "packages/sim/src/server.ts": "export const sim = 1;\n",
      "host/host.ts": 'import { main } from "../cli/main.ts";\nexport const h = main;\n',
      "cli/main.ts": "export const main = 1;\n",
      "config/topology.ts": 'import { t } from "../tools/python.ts";\nexport const c = t;\n',
      "config/limits.ts": "export const limit = 1;\n",
      "tools/python.ts": 'import { limit } from "../config/limits.ts";\nexport const t = limit;\n',
    });
    const rules = violations.map((v: string) => v.split(":")[0]);
    expect(rules).toEqual(
      expect.arrayContaining([
        "protocol-is-the-bottom",
        "infrastructure-knows-no-roles",
        "roles-are-independent",
        "no-simulator-in-production",
        "cli-on-top",
        "host-knows-no-roles",
        "no-folder-cycle",
      ]),
    );
    expect(violations.find((v: string) => v.startsWith("no-folder-cycle"))).toMatch(/config, tools/);
  });
});
