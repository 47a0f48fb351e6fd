import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAM_NAME } from "../../protocol/subjects.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/** Every file and folder under `dir`, relative to it: what a command left behind. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((entry) => relative(dir, join(dir, entry))).sort();
}

/** Runs the CLI to its exit; a command that hangs fails the test at its timeout instead of hanging it. */
async function nanoflux(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  const child = spawnNanoflux(args, env, { cwd });
  return { code: await exited(child), output: child.output() };
}

async function streamExists(url: string): Promise<boolean> {
  const nc = await connect({ servers: url });
  try {
    return await (await jetstreamManager(nc)).streams.info(STREAM_NAME).then(
      () => true,
      () => false,
    );
  } finally {
    await nc.close();
  }
}

async function roundsOpened(url: string, runId: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const subject = `nf.v1.run.${runId}.round.opened`;
    const info = await (await jetstreamManager(nc)).streams
      .info(STREAM_NAME, { subjects_filter: subject })
      .catch(() => undefined);
    return info?.state.subjects?.[subject] ?? 0;
  } finally {
    await nc.close();
  }
}

// Each CLI start costs a few seconds of CPU: the cases run side by side, each in a folder of its own.
describe("input mistakes: exit 2, the reason, and nothing created", () => {
  it("bad run ids, bad options, unknown commands and an empty runs folder", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["run", "--run-id", "../../x", "--target", "1"], /is not a run id: use 1-64 letters, digits/],
      [["up", "t.yaml", "--run-id", "a b"], /is not a run id/],
      [["export", "somewhere", "--format", "nope"], /Allowed choices/],
      [["agent", "judge"], /--topology/],
      [["tap", "../etc"], /is not a run id/],
      [["dashboard", "--run", "a b"], /is not a run id/],
      [["no-such-command"], /unknown command/],
      [["tap", "some-run", "--out", "runs"], /no runs under .*runs .*--out/],
    ];
    const results = await Promise.all(
      cases.map(async ([args, message]) => {
        const dir = await mkdtemp(join(tmpdir(), "nanoflux-usage-"));
        const cwd = join(dir, "a", "b");
        await mkdir(cwd, { recursive: true });
        const { code, output } = await nanoflux(args, {}, cwd);
        return { args, message, code, output, left: await tree(dir) };
      }),
    );
    for (const { args, message, code, output, left } of results) {
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(output).toMatch(message);
      expect(left, args.join(" ")).toEqual(["a", join("a", "b")]);
    }
  });

  it("help and version are not errors", async () => {
    const codes = await Promise.all([nanoflux(["--help"]), nanoflux(["--version"])]);
    expect(codes.map((c) => c.code)).toEqual([0, 0]);
  });
});

describe("unknown runs on a live server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => nats.cleanup());

  it("tap of a run that never started names the problem and creates no stream", async () => {
    const { code, output } = await nanoflux(["tap", "typo-run", "--wait-for-run", "0"], {
      NATS_URL: nats.url,
    });
    expect(code).toBe(2);
    expect(output).toMatch(/run typo-run is not on this NATS server \(no run has started there\)/);
    expect(await streamExists(nats.url)).toBe(false);
  });

  it("a worker given a mistyped run waits a little, says so, and leaves without creating anything", async () => {
    const { file, dir } = await writeTestTopology({ natsUrl: nats.url });
    const { code, output } = await nanoflux([
      "agent",
      "defender",
      "--topology",
      file,
      "--run",
      "typo-run",
      "--wait-for-run",
      "1",
    ]);
    expect(code).toBe(2);
    expect(output).toMatch(/run typo-run has not started yet; waiting up to 1 s/);
    expect(output).toMatch(/run typo-run is not on this NATS server/);
    expect(await streamExists(nats.url)).toBe(false);
    expect(await tree(dir)).toEqual(["topology.yaml"]);
  });

  it("a topology asking for stream replicas of a single server fails fast with the field to change", async () => {
    const { file } = await writeTestTopology({ natsUrl: nats.url });
    const topology = (await readFile(file, "utf8")).replace(
      `nats:\n  url: ${nats.url}`,
      `nats:\n  url: ${nats.url}\n  replicas: 3`,
    );
    await writeFile(file, topology);
    const { code, output } = await nanoflux(["up", file, "--run-id", "replicated"]);
    expect(code).toBe(2);
    expect(output).toMatch(/nats\.replicas is 3, but this NATS server is not part of a cluster/);
  });
});

/** Reads the dashboard's update stream until `text` shows up in it. */
async function streamShows(url: string, text: string): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(new URL("/api/events", url), { signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let seen = "";
  try {
    while (!seen.includes(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the update stream ended without showing ${text}`);
      seen = (seen + decoder.decode(value)).slice(-100_000);
    }
  } finally {
    controller.abort();
  }
}

describe("one embedded server per runs folder", () => {
  it("a dashboard started before a run sees it live; tap and workers stop at its end; the last one out stops the server", async () => {
    const { file, dir } = await writeTestTopology({ target: 2 });
    const runs = join(dir, "runs");
    const dashboard = spawnNanoflux(["dashboard", "--port", "0", "--out", runs], {});
    try {
      await waitFor(() => /dashboard: (http\S+)/.test(dashboard.output()), 30_000, "the dashboard");
      const url = /dashboard: (http\S+)/.exec(dashboard.output())?.[1] as string;
      const serverFile = join(runs, ".nats", "server.json");
      const before = JSON.parse(await readFile(serverFile, "utf8"));
      const live = streamShows(url, "live-run");

      const run = await nanoflux(["up", file, "--run-id", "live-run"]);
      expect(run.code, run.output).toBe(0);
      await live;
      // The run attached to the dashboard's server instead of starting a second one on the same store.
      expect(JSON.parse(await readFile(serverFile, "utf8"))).toEqual(before);
      expect(() => process.kill(before.pid, 0)).not.toThrow();
      const log = await readFile(join(runs, ".nats", "server.log"), "utf8");
      expect(log.match(/Server is ready/g)).toHaveLength(1);

      const replay = await nanoflux(["tap", "live-run", "--from-start", "--json", "--out", runs]);
      expect(replay.code).toBe(0);
      const types = replay.output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line).event.type);
      expect(types[0]).toBe("run.started.v1");
      expect(types.at(-1)).toBe("run.completed.v1");

      const tail = await nanoflux(["tap", "live-run", "--out", runs]);
      expect(tail.code).toBe(0);
      expect(tail.output).toMatch(/run live-run completed .*--from-start replays/);

      const late = await nanoflux(["agent", "defender", "--topology", file, "--run", "live-run"], {
        NATS_URL: before.url,
      });
      expect(late.code).toBe(0);
      expect(late.output).toMatch(/run live-run has already completed/);

      dashboard.kill("SIGTERM");
      expect(await exited(dashboard)).toBe(0);
      await waitFor(
        () => {
          try {
            process.kill(before.pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        10_000,
        "the shared server to stop with its last user",
      );
      expect(await tree(join(runs, ".nats"))).not.toContain("server.json");
    } finally {
      dashboard.kill("SIGKILL");
    }
  });
});

describe("one SIGTERM stops a command within its drain limit", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    process.kill(nats.pid, "SIGCONT");
    await nats.cleanup();
  });

  it("up stops a run whose model calls hang: in-flight calls are abandoned, the report is written", async () => {
    const { file, dir } = await writeTestTopology({
      natsUrl: nats.url,
      target: 50,
      simulator: { latencyMs: 60_000 },
    });
    const up = spawnNanoflux(["up", file, "--run-id", "graceful"], {});
    try {
      await waitFor(() => roundsOpened(nats.url, "graceful").then((n) => n > 0), 60_000, "a round");
      up.kill("SIGTERM");
      expect(await exited(up)).toBe(143);
      expect(up.output(), up.output().slice(-3000)).not.toMatch(/still stopping after/);
      const report = JSON.parse(await readFile(join(dir, "runs", "graceful", "report.json"), "utf8"));
      expect(report.status).toBe("interrupted");
    } finally {
      up.kill("SIGKILL");
    }
  });

  it("up, draining against a NATS server that stopped answering, exits with 143 when the limit passes, or at once on a second signal", async () => {
    const { file, dir } = await writeTestTopology({
      natsUrl: nats.url,
      target: 500,
      simulator: { latencyMs: 200 },
    });
    const env = { NANOFLUX_DRAIN_MS: "3000" };
    const up = spawnNanoflux(["up", file, "--run-id", "stuck"], env);
    // A drain limit far beyond the test's patience: only the second signal can end this one in time.
    const impatient = spawnNanoflux(["up", file, "--run-id", "stuck-2"], { NANOFLUX_DRAIN_MS: "600000" });
    const dashboard = spawnNanoflux(["dashboard", "--port", "0"], { ...env, NATS_URL: nats.url });
    try {
      const dataset = join(dir, "runs", "stuck", "dataset.jsonl");
      const second = join(dir, "runs", "stuck-2", "dataset.jsonl");
      await waitFor(
        async () =>
          (await readFile(dataset, "utf8").catch(() => "")).length > 0 &&
          (await readFile(second, "utf8").catch(() => "")).length > 0,
        90_000,
        "both runs' first accepted samples",
      );
      // A stopped process keeps its sockets open and answers nothing: every drain step waits on it.
      process.kill(nats.pid, "SIGSTOP");
      await waitFor(() => dashboard.output().includes("dashboard: http"), 30_000, "the dashboard");
      const signalled = Date.now();
      up.kill("SIGTERM");
      dashboard.kill("SIGTERM");
      impatient.kill("SIGTERM");
      await waitFor(
        () => impatient.output().includes("again to force quit"),
        10_000,
        "the first signal said",
      );
      impatient.kill("SIGTERM");
      const [upCode, dashboardCode, impatientCode] = await Promise.all([
        exited(up),
        exited(dashboard),
        exited(impatient),
      ]);
      expect(impatientCode).toBe(143);
      expect(impatient.output()).not.toMatch(/still stopping after/);
      expect(upCode).toBe(143);
      expect(up.output()).toMatch(/SIGTERM: draining agents \(at most 3 s/);
      // The dashboard's own stop may finish or be cut off; either way one signal ends it.
      expect([0, 143]).toContain(dashboardCode);
      // Bounded: the drain limit plus process start-up slack, not the minutes a hung drain would take.
      expect(Date.now() - signalled).toBeLessThan(15_000);
    } finally {
      for (const child of [up, impatient, dashboard]) child.kill("SIGKILL");
      process.kill(nats.pid, "SIGCONT");
    }
  });
});
