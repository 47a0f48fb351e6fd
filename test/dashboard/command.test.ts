import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { DEFAULT_PORT, dashboardCommand } from "../../cli/dashboard-command.ts";

/** The command with its action replaced, so parsing can be checked without a NATS server. */
function parsed(args: string[]): Record<string, unknown> {
  const command: Command = dashboardCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  command.action(() => undefined);
  command.parse(args, { from: "user" });
  return command.opts();
}

describe("nanoflux dashboard options", () => {
  it("stays on loopback with a fixed port unless told otherwise", () => {
    expect(parsed([])).toEqual({ port: DEFAULT_PORT, host: "127.0.0.1", out: "runs" });
  });

  it("takes several runs, after one flag or repeated", () => {
    expect(parsed(["--run", "run-a", "run-b", "--port", "0"])).toMatchObject({
      run: ["run-a", "run-b"],
      port: 0,
    });
    expect(parsed(["--run", "run-a", "--run", "run-b"])).toMatchObject({ run: ["run-a", "run-b"] });
  });

  it("refuses a port out of range and a run id that is not a subject token", () => {
    expect(() => parsed(["--port", "70000"])).toThrow(/port number from 0 to 65535/);
    expect(() => parsed(["--run", "run.a"])).toThrow(/"run.a" is not a run id/);
  });
});
