import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../../bus/bus.ts";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { buildDashboardAssets } from "../../dashboard/build.ts";
import { type Dashboard, openDashboard } from "../../dashboard/dashboard.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { idempotencyKey } from "../../protocol/subjects.ts";
import { runSession } from "../../runner/run-session.ts";
import { launchChromium } from "../support/browser.ts";
import { startTestNats } from "../support/nats.ts";
import { writeTestTopology } from "../support/run-topology.ts";
import { type RoundPlan, roundEvents, runCompleted, runStarted } from "./crafted-events.ts";

/**
 * The dashboard end to end: a real nats-server, a simulated run (and hand-written events where a test needs
 * exact control), the dashboard server following the stream, and Debian's Chromium reading the page.
 */

const SCREENSHOT = fileURLToPath(new URL("../../docs/dashboard.png", import.meta.url));
const TIMEOUT = 15_000;
const AGENTS = ["scheduler", "attacker", "attacker", "defender", "judge", "curator"];
const SCRIPT_QUESTION =
  '<script>window.__injected = true</script><img src="x" onerror="window.__injected = true">What is 17 * 23?';

describe("nanoflux dashboard in a browser", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let assetsDir: string;
  let publisher: Bus;
  let browser: Browser;
  const opened: Dashboard[] = [];

  async function dashboard(runIds: string[] = []): Promise<Dashboard> {
    const started = await openDashboard({
      host: "127.0.0.1",
      port: 0,
      runIds,
      outDir: join(nats.dir, "runs"),
      env: { NATS_URL: nats.url },
      logger: silentLogger(),
      assetsDir,
      updates: { flushMs: 50, refreshMs: 500 },
    });
    opened.push(started);
    return started;
  }

  async function publish(events: readonly RunEvent[]): Promise<void> {
    for (const [i, event] of events.entries()) {
      const round = "spec" in event ? event.spec.roundId : "run";
      // Billed calls are one event each; stage events are one per round.
      const id = event.type === "usage.recorded.v1" ? `${event.runId}:usage:${event.at}:${i}` : undefined;
      await publisher.publishEvent(event, id ?? idempotencyKey(event.runId, round, event.type));
    }
  }

  /** Heartbeats of a run's agents, as the agent host sends them every two seconds. */
  function beat(runId: string, inFlight: number): void {
    for (const [i, agentType] of AGENTS.entries()) {
      publisher.publishHeartbeat({
        type: "agent.heartbeat.v1",
        runId,
        at: new Date().toISOString(),
        producer: `${agentType}-${i}`,
        agentType,
        instance: `${agentType}-${i}`,
        host: "test-host",
        pid: 1000 + i,
        inFlight,
        handled: 3,
        status: "running",
      });
    }
  }

  /** Records every accepted count the page draws, so the test can tell the page moved with the run. */
  async function recordAcceptedCounts(page: Page): Promise<void> {
    await page.evaluate(() => {
      const shown: number[] = [];
      Object.assign(window, { acceptedCounts: shown });
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="accepted"]')?.textContent;
        if (text) shown.push(Number(text.split(" / ")[0]));
      }).observe(document.body, { childList: true, subtree: true });
    });
  }

  function acceptedCounts(page: Page): Promise<number[]> {
    return page.evaluate(() => (window as unknown as { acceptedCounts: number[] }).acceptedCounts);
  }

  /** The status badge of the run on show (the run list has badges of its own). */
  function runStatus(page: Page, text: RegExp) {
    return byTestId(page, "overview").locator('[data-testid="run-status"]', { hasText: text });
  }

  function byTestId(page: Page, testId: string, text?: RegExp) {
    return page.locator(`[data-testid="${testId}"]`, text ? { hasText: text } : {});
  }

  beforeAll(async () => {
    nats = await startTestNats();
    assetsDir = await mkdtemp(join(tmpdir(), "nanoflux-dashboard-assets-"));
    await buildDashboardAssets(assetsDir);
    publisher = await Bus.open({
      servers: nats.url,
      name: "dashboard-test-publisher",
      logger: silentLogger(),
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const d of opened) await d.close();
    await publisher?.close();
    await nats?.cleanup();
    await rm(assetsDir, { recursive: true, force: true });
  });

  it("follows a run live, opens its rounds, and shows model text as text", async () => {
    const runId = "run-live";
    // The run started ten minutes ago, so pace and ETA read like a real run's.
    const t0 = Date.now() - 10 * 60_000;
    const round = (plan: Omit<RoundPlan, "runId" | "t0" | "closesAt">) =>
      roundEvents({ ...plan, runId, t0, closesAt: plan.seq * 90_000, pricePerMTok: 3 });
    const live = await dashboard();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(live.url);
    await byTestId(page, "connection", /^live$/).waitFor({ timeout: TIMEOUT });

    await publish([runStarted({ runId, t0, target: 4, pricePerMTok: 3 })]);
    beat(runId, 2);
    await byTestId(page, "accepted", /^0 \/ 4$/).waitFor({ timeout: TIMEOUT });
    await byTestId(page, "agents-table", /attacker/).waitFor({ timeout: TIMEOUT });
    expect(
      await byTestId(page, "agents-table")
        .locator("tr", { hasText: "attacker" })
        .locator("td")
        .nth(1)
        .textContent(),
    ).toBe("2 / 2");

    await publish(
      round({ seq: 1, complexity: 2, end: { kind: "accepted", outcome: "defended", level: "L3" } }),
    );
    await byTestId(page, "accepted", /^1 \/ 4$/).waitFor({ timeout: TIMEOUT });
    await publish([
      ...round({ seq: 2, end: { kind: "duplicate" } }),
      ...round({
        seq: 3,
        attacker: "beta",
        defender: "alpha",
        end: { kind: "accepted", outcome: "attack_succeeded", level: "L5" },
      }),
      ...round({ seq: 4, end: { kind: "invalid" } }),
      ...round({
        seq: 5,
        questionText: SCRIPT_QUESTION,
        end: { kind: "accepted", outcome: "attack_succeeded", level: "L4" },
      }),
      // A round still in flight: proposed (its attacker's call billed), not yet screened.
      ...round({ seq: 6, end: { kind: "accepted", outcome: "defended", level: "L4" } }).slice(0, 3),
    ]);
    beat(runId, 1);
    await byTestId(page, "accepted", /^3 \/ 4$/).waitFor({ timeout: TIMEOUT });
    await byTestId(page, "rejections", /duplicate/).waitFor({ timeout: TIMEOUT });
    // The page applies the batch event by event: round 6 may land a moment after round 5's close.
    await byTestId(page, "in-flight", /^1$/).waitFor({ timeout: TIMEOUT });
    expect(await byTestId(page, "in-flight").textContent()).toBe("1");
    // Four judged rounds of 2,700 tokens, a duplicate and a round in flight of 1,500 each, at $3 per million.
    await byTestId(page, "tokens", /^13\.8k$/).waitFor({ timeout: TIMEOUT });
    expect(await byTestId(page, "tokens").textContent()).toBe("13.8k");
    expect(await byTestId(page, "cost").textContent()).toBe("$0.04");

    const standings = byTestId(page, "standings-table").locator("tbody tr");
    await expect.poll(() => standings.count(), { timeout: TIMEOUT }).toBe(2);
    expect(await standings.first().textContent()).toMatch(/\d+ ± \d+/);
    expect(await byTestId(page, "chart-levels").locator("rect").count()).toBe(5);
    expect(await byTestId(page, "chart-defender").locator("polyline").count()).toBe(1);

    await page.locator('[data-round="r000005"] a').click();
    const question = byTestId(page, "round-question");
    await question.waitFor({ timeout: TIMEOUT });
    expect(await question.textContent()).toBe(SCRIPT_QUESTION);
    expect(await byTestId(page, "round-detail").locator("script, img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
    const verdict = byTestId(page, "round-verdict");
    expect(await verdict.textContent()).toContain("attack succeeded");
    expect(await verdict.textContent()).toContain("print(60 / 30)");
    expect(await byTestId(page, "round-decision").textContent()).toContain("sample-0002");
    expect(page.url()).toContain("round=r000005");

    await publish([runCompleted(runId, 3, 5, 10 * 60_000, t0)]);
    await runStatus(page, /target reached/).waitFor({ timeout: TIMEOUT });
    expect(await byTestId(page, "eta").textContent()).toBe("done");
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("follows a simulated run to its target: counters advance, standings fill, rounds open", async () => {
    const target = 10;
    const runId = "run-simulated";
    const { file, dir } = await writeTestTopology({
      target,
      natsUrl: nats.url,
      concurrency: 2,
      simulator: { latencyMs: 40 },
    });
    const prepared = await prepareTopology(file, {}, silentLogger());
    const live = await dashboard();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    await page.goto(`${live.url}#run=${runId}`);
    await byTestId(page, "connection", /^live$/).waitFor({ timeout: TIMEOUT });
    await recordAcceptedCounts(page);
    let interrupt: (reason: string) => void = () => undefined;
    const interrupted = new Promise<string>((resolve) => {
      interrupt = resolve;
    });
    const session = runSession({ prepared, logger: silentLogger(), runId, interrupt: interrupted });
    try {
      await byTestId(page, "accepted", new RegExp(`^[2-${target - 3}] / ${target}$`)).waitFor({
        timeout: TIMEOUT,
      });
      await byTestId(page, "standings-table").locator("tbody tr").first().waitFor({ timeout: TIMEOUT });
      await page.locator(".round.status-accepted a").first().click();
      await byTestId(page, "round-verdict").waitFor({ timeout: TIMEOUT });
      expect(await byTestId(page, "round-verdict").textContent()).toMatch(
        /outcome(defended|attack succeeded)/,
      );
      expect(await byTestId(page, "round-decision").textContent()).toContain("accepted");
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      await runStatus(page, /target reached/).waitFor({ timeout: TIMEOUT });
      const { accepted } = (await session).report;
      expect(accepted).toBeGreaterThanOrEqual(target);
      expect(await byTestId(page, "accepted").textContent()).toBe(`${accepted} / ${target}`);
      const shown = await acceptedCounts(page);
      expect(shown.filter((n) => n > 0 && n < target).length).toBeGreaterThan(0);
      expect(shown).toEqual([...shown].sort((a, b) => a - b));
      expect(await byTestId(page, "standings-table").locator("tbody tr").count()).toBe(2);
    } finally {
      interrupt("test finished");
      await session;
      await prepared.simulator?.close();
      await page.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("opens a finished run from its stream, and follows only the runs it is given", async () => {
    await publish([runStarted({ runId: "run-other" })]);
    const finished = await dashboard(["run-live"]);
    const page = await browser.newPage();
    await page.goto(`${finished.url}#run=run-live`);
    await byTestId(page, "accepted", /^3 \/ 4$/).waitFor({ timeout: TIMEOUT });
    await runStatus(page, /target reached/).waitFor({ timeout: TIMEOUT });
    expect(
      await page.locator("[data-run]").evaluateAll((links) => links.map((a) => a.getAttribute("data-run"))),
    ).toEqual(["run-live"]);
    await page.close();
  });
});
