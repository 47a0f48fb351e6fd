import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../bus/embedded-server.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/** Runs the CLI and returns its exit code and everything it printed. */
async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawnNanoflux(args, env);
  const code = await exited(child);
  return { code, output: child.output() };
}

function expectNoStackTrace(output: string): void {
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe("clear errors and a non-zero exit, not stack traces", () => {
  it("a missing topology file", async () => {
    const { code, output } = await cli(["up", "/nonexistent/topology.yaml"]);
    expect(code).toBe(2);
    expect(output).toContain("/nonexistent/topology.yaml: file not found");
    expectNoStackTrace(output);
  });

  it("an invalid topology file names the field", async () => {
    const { dir } = await writeTestTopology();
    const file = join(dir, "broken.yaml");
    await writeFile(
      file,
      "models:\n  - id: a\n    baseUrl: not-a-url\n    model: m\nagents:\n  - type: attacker\n    replicas: -1\n",
    );
    const { code, output } = await cli(["up", file]);
    expect(code).toBe(2);
    expect(output).toContain("models[0].baseUrl");
    expect(output).toContain("agents[0].replicas");
    expectNoStackTrace(output);
  });

  it("an unreachable NATS_URL", async () => {
    const { file } = await writeTestTopology();
    const port = await freePort();
    const { code, output } = await cli(["up", file], { NATS_URL: `nats://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(output).toContain(`cannot connect to NATS at nats://127.0.0.1:${port}`);
    expectNoStackTrace(output);
  });

  it("an unreachable model endpoint", async () => {
    const { file } = await writeTestTopology();
    const port = await freePort();
    const { code, output } = await cli(["up", file], { NANOFLUX_SIM_URL: `http://127.0.0.1:${port}/v1` });
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    expect(output).toMatch(/running|reach/i);
    expectNoStackTrace(output);
  });

  it("a missing nats-server binary says how to install it", async () => {
    const { file } = await writeTestTopology();
    const { code, output } = await cli(["up", file], { NATS_SERVER_BIN: "/nonexistent/nats-server" });
    expect(code).toBe(1);
    expect(output).toContain("nats-server not found");
    expect(output).toContain("apt-get install nats-server");
    expectNoStackTrace(output);
  });

  it("every subcommand has --help", async () => {
    const { output } = await cli(["--help"]);
    const subcommands = [...output.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <|\s)/gm)]
      .map((m) => m[1])
      .filter((s) => s !== "help" && !s?.startsWith("-"));
    expect(subcommands.length).toBeGreaterThanOrEqual(10);
    for (const sub of subcommands) {
      const result = await cli([sub as string, "--help"]);
      expect(result.code, sub).toBe(0);
      expect(result.output, sub).toContain("Usage: nanoflux");
    }
  });
});
