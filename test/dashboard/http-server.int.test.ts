import { mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALIVE_WITHIN_MS } from "../../dashboard/agent-roster.ts";
import { ensureDashboardAssets } from "../../dashboard/build.ts";
import {
  CONTENT_SECURITY_POLICY,
  type DashboardServer,
  startDashboardServer,
} from "../../dashboard/http-server.ts";
import { RunBoard } from "../../dashboard/run-board.ts";
import { API, RoundDetail, WRITE_HEADER } from "../../dashboard/wire.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { waitFor } from "../support/nats.ts";
import { recorded, roundEvents, runStarted, T0 } from "./crafted-events.ts";
import { readUpdates } from "./sse-client.ts";

const RUN = "run-http";

function feed(board: RunBoard, runId: string, events: readonly RunEvent[]): void {
  for (const event of recorded(events)) board.applyEvent(runId, event);
}

/** A raw request, so the Host header can be anything (fetch does not let a caller set it). */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the dashboard HTTP server", () => {
  let dir: string;
  let board: RunBoard;
  let server: DashboardServer;
  /** The board's clock: tests move it to age heartbeats. */
  let now = T0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-dashboard-"));
    await ensureDashboardAssets(dir);
    board = new RunBoard({ clock: () => now });
    server = await startDashboardServer({
      host: "127.0.0.1",
      port: 0,
      assetsDir: dir,
      board,
      logger: silentLogger(),
      updates: { flushMs: 20, refreshMs: 200 },
      writes: { mode: "off" },
    });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the built page with a strict content security policy", async () => {
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
    expect(page.body).toContain('<script type="module" src="/app.js">');
    const script = await get(new URL("/app.js", server.url).href);
    expect(script.headers["content-type"]).toMatch(/javascript/);
    expect(script.headers["x-content-type-options"]).toBe("nosniff");
    expect(script.body.length).toBeGreaterThan(1000);
  });

  it("builds the page only when a file of it is missing", async () => {
    const built = (await stat(join(dir, "app.js"))).mtimeMs;
    await ensureDashboardAssets(dir);
    expect((await stat(join(dir, "app.js"))).mtimeMs).toBe(built);
    await rm(join(dir, "app.css"));
    await ensureDashboardAssets(dir);
    expect((await stat(join(dir, "app.css"))).size).toBeGreaterThan(0);
  });

  it("builds the page again when a source it was built from changed, or went, since", async () => {
    // A source of our own, listed as the build lists them (relative to the repository), so no real one is touched.
    const source = join(dir, "source.ts");
    await writeFile(source, "export {};\n");
    const repo = fileURLToPath(new URL("../../", import.meta.url));
    await writeFile(join(dir, "sources.json"), JSON.stringify([relative(repo, source)]));
    const builtAt = async () => (await stat(join(dir, "app.js"))).mtimeMs;
    const before = await builtAt();
    await utimes(source, new Date(), new Date(before - 60_000));
    await ensureDashboardAssets(dir);
    expect(await builtAt()).toBe(before);
    await utimes(source, new Date(), new Date(before + 60_000));
    await ensureDashboardAssets(dir);
    expect(await builtAt()).toBeGreaterThan(before);
    // The build wrote its own list again, of the page's real sources.
    expect(await readFile(join(dir, "sources.json"), "utf8")).toContain("dashboard/web/main.ts");
    const rebuilt = await builtAt();
    await writeFile(join(dir, "sources.json"), JSON.stringify([relative(repo, join(dir, "gone.ts"))]));
    await ensureDashboardAssets(dir);
    expect(await builtAt()).toBeGreaterThan(rebuilt);
  });

  it("refuses requests addressed to another host name, methods it has no use for, and writes when read-only", async () => {
    const rebound = await get(server.url, { Host: "attacker.example:80" });
    expect(rebound.status).toBe(421);
    const deleted = await get(server.url, {}, "DELETE");
    expect(deleted.status).toBe(405);
    expect(deleted.headers.allow).toBe("GET, HEAD, POST");
    const preflight = await get(`${server.url}api/runs/a/rounds/b/reviews`, {}, "OPTIONS");
    expect(preflight.status).toBe(405);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    const posted = await get(
      `${server.url}api/runs/a/rounds/b/reviews`,
      { [WRITE_HEADER]: "1", "Content-Type": "application/json" },
      "POST",
    );
    expect(posted.status).toBe(403);
    expect(posted.body).toContain("read-only");
  });

  it("answers a round's details as JSON, and 404 for an unknown one", async () => {
    feed(
      board,
      RUN,
      roundEvents({ runId: RUN, seq: 1, end: { kind: "accepted", outcome: "defended", level: "L3" } }),
    );
    const found = await get(new URL(API.round(RUN, "r000001"), server.url).href);
    expect(found.status).toBe(200);
    expect(found.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    const detail = RoundDetail.parse(JSON.parse(found.body));
    expect(detail.decision?.status).toBe("accepted");
    expect((await get(new URL(API.round(RUN, "r999999"), server.url).href)).status).toBe(404);
  });

  it("streams the runs it holds, then each change as it happens", async () => {
    const reader = await readUpdates(new URL(API.events, server.url).href);
    try {
      await waitFor(
        () => reader.updates.some((u) => u.kind === "run" && u.run.runId === RUN),
        5_000,
        "the first snapshot",
      );
      const firstCount = reader.updates.length;
      feed(board, "run-new", [runStarted({ runId: "run-new", t0: T0 + 60_000, target: 3 })]);
      await waitFor(
        () =>
          reader.updates
            .slice(firstCount)
            .some((u) => u.kind === "runs" && u.runs[0]?.runId === "run-new" && u.runs[0]?.target === 3),
        5_000,
        "the new run at the top of the list",
      );
      feed(
        board,
        "run-new",
        roundEvents({
          runId: "run-new",
          seq: 1,
          end: { kind: "accepted", outcome: "defended", level: "L3" },
        }),
      );
      await waitFor(
        () =>
          reader.updates.some((u) => u.kind === "run" && u.run.runId === "run-new" && u.run.accepted === 1),
        5_000,
        "the accepted round",
      );
    } finally {
      await reader.close();
    }
  });

  it("pushes a run whose agents went quiet, with no event to prompt it", async () => {
    board.applyHeartbeat({
      type: "agent.heartbeat.v1",
      runId: "run-quiet",
      at: new Date(now).toISOString(),
      producer: "judge-1",
      agentType: "judge",
      instance: "judge-1",
      host: "host-1",
      pid: 7,
      inFlight: 1,
      handled: 4,
      status: "running",
    });
    const reader = await readUpdates(new URL(API.events, server.url).href);
    const quiet = () =>
      reader.updates
        .filter((u) => u.kind === "run" && u.run.runId === "run-quiet")
        .map((u) => u.kind === "run" && u.run.live);
    try {
      await waitFor(() => quiet().includes(true), 5_000, "the live run");
      now += ALIVE_WITHIN_MS + 1;
      await waitFor(() => quiet().at(-1) === false, 5_000, "the run shown without live agents");
    } finally {
      await reader.close();
    }
  });
});
