import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { nanofluxOnTerminal } from "../support/pty.ts";

/**
 * The demo as a user sees it at a terminal: one line per notable event, a progress bar, the summary and where
 * the dataset is; no JSON and no multi-line log blocks unless asked for, nothing but results with --quiet.
 */

const ROUTINE = [
  "agent started",
  "agent stopped",
  "curator store follows the run's kept questions",
  "simulator listening",
];

/** A line of the text log format: the time, then the message. */
const TEXT_LOG_LINE = /^\d\d:\d\d:\d\d /m;
const SUMMARY_HEADER = /^run +status +accepted +target +rounds/m;

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "nf-terminal-"));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

function demo(...flags: string[]): string[] {
  return [...flags, "run", "--domain", "math", "--target", "3", "--out", out];
}

function expectSummaryAndDataset(output: string): void {
  expect(output).toMatch(SUMMARY_HEADER);
  expect(output).toMatch(new RegExp(`^dataset: ${out}/run-[\\w-]+/dataset\\.jsonl \\(\\d+ samples\\)$`, "m"));
}

describe("the demo at a terminal", () => {
  it("prints concise lines, a progress bar, the summary and the dataset path: no JSON, no pino blocks", async () => {
    const { code, output } = await nanofluxOnTerminal(demo());
    expect(code, output).toBe(0);
    expect(output).not.toMatch(/^\s*\{/m);
    // pino-pretty's blocks: a bracketed time and LEVEL, then the fields indented on lines of their own.
    expect(output).not.toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\]/m);
    expect(output).not.toMatch(/^ {4}\w+: /m);
    for (const routine of ROUTINE) expect(output).not.toContain(routine);
    expect(output).toMatch(/^\d\d:\d\d:\d\d run started {2}runId=run-[\w-]+ runDir=\S+/m);
    expect(output).toMatch(/^run [█░]+ +\d+% \| \d+\/3 accepted \| (ETA|took) /m);
    expectSummaryAndDataset(output);
  });

  it("with --log-format json, every log line is a JSON object", async () => {
    const { code, output } = await nanofluxOnTerminal(demo("--log-format", "json"));
    expect(code, output).toBe(0);
    const logLines = output.split("\n").filter((line) => line.startsWith("{"));
    const messages = logLines.map((line) => (JSON.parse(line) as { msg?: string }).msg);
    expect(messages).toContain("run started");
    expect(output).not.toMatch(TEXT_LOG_LINE);
    expectSummaryAndDataset(output);
  });

  it("with --quiet, only the summary", async () => {
    const { code, output } = await nanofluxOnTerminal(demo("--quiet"));
    expect(code, output).toBe(0);
    expect(output).not.toMatch(TEXT_LOG_LINE);
    expect(output).not.toMatch(/[█░]/);
    // Nothing before the summary's first table.
    expect(output.trimStart()).toMatch(new RegExp(`^${SUMMARY_HEADER.source}`));
    expectSummaryAndDataset(output);
  });
});

describe("the demo's log off a terminal", () => {
  it("is the same concise text; --verbose adds the routine events as debug lines", async () => {
    const quietly = spawnNanoflux(demo(), {});
    expect(await exited(quietly), quietly.output()).toBe(0);
    expect(quietly.output()).toMatch(/^\d\d:\d\d:\d\d run started {2}runId=/m);
    for (const routine of ROUTINE) expect(quietly.output()).not.toContain(routine);

    const verbose = spawnNanoflux(demo("--verbose"), {});
    expect(await exited(verbose), verbose.output()).toBe(0);
    for (const routine of ROUTINE)
      expect(verbose.output()).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d debug ${routine}`, "m"));
  });
});

describe("the global output flags", () => {
  async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawnNanoflux(args, env);
    return { code: await exited(child), output: child.output() };
  }

  it("a bad --log-format, NANOFLUX_LOG_FORMAT or NANOFLUX_LOG_LEVEL, or --quiet with --verbose: exit 2, named", async () => {
    const flag = await cli(["run", "--log-format", "yaml"]);
    expect(flag.code).toBe(2);
    expect(flag.output).toMatch(
      /--log-format <format>' argument 'yaml' is invalid\. Allowed choices are text, json/,
    );

    const format = await cli(["validate", "topologies/demo.yaml"], { NANOFLUX_LOG_FORMAT: "yaml" });
    expect(format.code).toBe(2);
    expect(format.output).toMatch(/NANOFLUX_LOG_FORMAT/);

    const level = await cli(["validate", "topologies/demo.yaml"], { NANOFLUX_LOG_LEVEL: "loud" });
    expect(level.code).toBe(2);
    expect(level.output).toContain('NANOFLUX_LOG_LEVEL="loud" is not one of trace, debug, info, warn, error');

    const both = await cli(["--quiet", "validate", "--verbose", "topologies/demo.yaml"]);
    expect(both.code).toBe(2);
    expect(both.output).toMatch(/'-q, --quiet' cannot be used with option '-v, --verbose'/);
  });
});
