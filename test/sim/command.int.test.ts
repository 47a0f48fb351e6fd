import { spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const ENTRY = `import { simCommand } from "./cli/sim-command.ts"; await simCommand().parseAsync(process.argv.slice(1), { from: "user" });`;

describe("nanoflux sim as a process", () => {
  it("prints its URL, serves, and stops cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", ENTRY, "--", "--port", "0", "--model", "demo=0.8"],
      {
        cwd: ROOT,
        env: { ...process.env, NANOFLUX_LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = once(child, "exit");
    const lines = createInterface({ input: child.stdout });
    const [line] = await once(lines, "line");
    const url = String(line);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await (await fetch(`${url}/models`)).json();
    expect(models).toMatchObject({ object: "list", data: [{ id: "demo" }] });
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
