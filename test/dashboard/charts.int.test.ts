import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../dashboard/http-server.ts";
import { RunBoard } from "../../dashboard/run-board.ts";
import type { RunListItem, RunSnapshot } from "../../dashboard/wire.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { launchChromium } from "../support/browser.ts";
import { type RoundPlan, recorded, roundEvents, runStarted } from "./crafted-events.ts";

/**
 * The charts and the run list in Debian's Chromium, under the dashboard's CSP: the two modules are bundled
 * alone into a page that calls them the way main.ts does, with snapshots the server's run board made.
 */

const WEB_DIR = fileURLToPath(new URL("../../dashboard/web/", import.meta.url));
const ORIGIN = "http://dashboard.test";
const TIMEOUT = 5_000;
const CHART_IDS = ["chart-accepted", "chart-spend", "chart-shares", "chart-ratings", "chart-novelty"];
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <link rel="stylesheet" href="/app.css" />
    <script type="module" src="/app.js"></script>
  </head>
  <body>
    <header><h1>NanoFlux</h1><nav id="runs"></nav></header>
    <main><section id="charts" class="charts"></section></main>
  </body>
</html>`;

interface Harness {
  render(run: RunSnapshot): void;
  list(runs: RunListItem[], selected: string): void;
}

describe("the dashboard's charts and run list in a browser", () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nanoflux-charts-"));
    await esbuild.build({
      stdin: {
        contents: `
          import "./styles.css";
          import { renderCharts } from "./panels/charts.ts";
          import { runList } from "./panels/run-list.ts";
          window.harness = {
            render: (run) => renderCharts(document.getElementById("charts"), run),
            list: (runs, selected) => document.getElementById("runs").replaceChildren(runList(runs, selected)),
          };`,
        resolveDir: WEB_DIR,
        loader: "ts",
      },
      outfile: join(dir, "app.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      logLevel: "silent",
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    page.on("pageerror", (err) => problems.push(err.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      const [body, contentType] =
        path === "/app.js"
          ? [await readFile(join(dir, "app.js")), "text/javascript"]
          : path === "/app.css"
            ? [await readFile(join(dir, "app.css")), "text/css"]
            : [PAGE, "text/html"];
      await route.fulfill({
        body,
        contentType,
        headers: { "Content-Security-Policy": CONTENT_SECURITY_POLICY },
      });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => "harness" in window);
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const render = (run: RunSnapshot) =>
    page.evaluate((r) => (window as unknown as { harness: Harness }).harness.render(r), run);
  const list = (runs: RunListItem[], selected: string) =>
    page.evaluate(([r, s]) => (window as unknown as { harness: Harness }).harness.list(r, s), [
      runs,
      selected,
    ] as const);
  const chart = (testId: string) => page.locator(`[data-testid="${testId}"]`);
  const canvasLabel = (testId: string) => chart(testId).locator("canvas").getAttribute("aria-label");

  it("shows each chart empty, then draws it live, keeping its plot from one render to the next", async () => {
    const runId = "run-charts";
    const board = new RunBoard();
    const feed = (events: readonly RunEvent[]) => {
      for (const event of recorded(events)) board.applyEvent(runId, event);
    };
    const snapshot = () => board.snapshot(runId) as RunSnapshot;
    const round = (seq: number, end: RoundPlan["end"], extra: Partial<RoundPlan> = {}) =>
      roundEvents({ runId, seq, end, pricePerMTok: 3, closesAt: seq * 75_000, ...extra });

    feed([runStarted({ runId, target: 6, pricePerMTok: 3 })]);
    await render(snapshot());
    for (const testId of CHART_IDS) {
      await expect.poll(() => chart(testId).locator("p.muted").isVisible()).toBe(true);
      expect(await chart(testId).locator("canvas").count()).toBe(0);
    }
    expect(await chart("chart-accepted").textContent()).toContain("No rounds closed yet.");

    feed([
      ...round(1, { kind: "accepted", outcome: "defended", level: "L3" }),
      ...round(2, { kind: "duplicate" }),
      ...round(
        3,
        { kind: "accepted", outcome: "attack_succeeded", level: "L4" },
        { attacker: "beta", defender: "alpha" },
      ),
      ...round(4, { kind: "invalid" }),
    ]);
    await render(snapshot());
    for (const testId of CHART_IDS) {
      expect(await chart(testId).locator("canvas").getAttribute("role")).toBe("img");
      expect(await chart(testId).locator("p.muted").isVisible()).toBe(false);
    }
    expect(await canvasLabel("chart-accepted")).toBe(
      "Accepted over time: 2 accepted of a target of 6 after 5m00s",
    );
    expect(await canvasLabel("chart-novelty")).toContain("4 questions screened");
    expect(await canvasLabel("chart-novelty")).toContain("threshold is 0.88");
    expect(await canvasLabel("chart-ratings")).toMatch(
      /^Defence ratings.*alpha \d+ \(95% interval \d+–\d+\); beta/,
    );
    await page.evaluate(() =>
      Object.assign(window, { firstCanvas: document.querySelector("#charts canvas") }),
    );

    feed(round(5, { kind: "accepted", outcome: "defended", level: "L2" }));
    await render(snapshot());
    await render(snapshot());
    expect(await canvasLabel("chart-accepted")).toBe(
      "Accepted over time: 3 accepted of a target of 6 after 6m15s",
    );
    expect(
      await page.evaluate(
        () =>
          (window as unknown as { firstCanvas: Element }).firstCanvas ===
          document.querySelector("#charts canvas"),
      ),
    ).toBe(true);
    expect(await chart("chart-accepted").locator("canvas").count()).toBe(1);

    // One column in a narrow window: each plot takes its card's new width.
    const plotWidth = () =>
      chart("chart-spend")
        .locator("canvas")
        .evaluate((canvas) => canvas.clientWidth);
    const before = await plotWidth();
    await page.setViewportSize({ width: 700, height: 1000 });
    await expect.poll(plotWidth, { timeout: TIMEOUT }).not.toBe(before);
    const host = await chart("chart-spend")
      .locator(".time-chart-plot")
      .evaluate((div) => div.clientWidth);
    expect(Math.abs((await plotWidth()) - host)).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1300, height: 1000 });

    const other = new RunBoard();
    for (const event of recorded([runStarted({ runId: "run-other" })])) other.applyEvent("run-other", event);
    await render(other.snapshot("run-other") as RunSnapshot);
    expect(await chart("chart-accepted").locator("canvas").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("finds, sorts and opens runs, and keeps what was typed through renders", async () => {
    const T = Date.parse("2026-03-01T10:00:00.000Z");
    const runs = (accepted: number): RunListItem[] =>
      Array.from({ length: 300 }, (_, i) => ({
        runId: `run-${i}`,
        topologyName: i % 2 === 0 ? "math-even" : "math-odd",
        status: i === 7 ? "running" : "target_reached",
        live: i === 7,
        accepted,
        target: 10,
        startedAt: T + i * 60_000,
      }));
    await list(runs(10), "run-150");
    const button = page.getByTestId("run-picker");
    expect(await button.textContent()).toMatch(/^run-15010\/10target reached300 runs/);
    const rows = page.locator("[data-run]");
    expect(await rows.count()).toBe(300);
    expect(await rows.first().getAttribute("data-run")).toBe("run-299");

    await button.click();
    const search = page.getByLabel("search runs by id or topology");
    await expect.poll(() => search.evaluate((input) => input === document.activeElement)).toBe(true);
    await search.pressSequentially("RUN-12 odd");
    expect(await rows.evaluateAll((links) => links.map((a) => a.getAttribute("data-run")))).toEqual([
      "run-129",
      "run-127",
      "run-125",
      "run-123",
      "run-121",
    ]);

    // The page renders again with news of the runs: the search and its focus stay.
    await list(runs(9), "run-150");
    expect(await search.evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await search.inputValue()).toBe("RUN-12 odd");
    expect(await rows.count()).toBe(5);
    expect(await rows.first().textContent()).toContain("9/10");

    await page.getByLabel("sort runs").selectOption("oldest");
    expect(await rows.first().getAttribute("data-run")).toBe("run-121");
    await search.fill("");
    await page.getByLabel("sort runs").selectOption("status");
    expect(await rows.first().getAttribute("data-run")).toBe("run-7");

    await rows.first().click();
    expect(new URL(page.url()).hash).toBe("#run=run-7");
    expect(await page.locator("#run-picker").isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });
});
