import { readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTopology } from "../../cli/prepare-topology.ts";
import { type Dashboard, type DashboardOptions, openDashboard } from "../../dashboard/dashboard.ts";
import { silentLogger } from "../../log/logger.ts";
import type { Sample } from "../../protocol/schemas.ts";
import { runSession } from "../../runner/run-session.ts";
import { launchChromium } from "../support/browser.ts";
import { startTestNats } from "../support/nats.ts";
import { writeTestTopology } from "../support/run-topology.ts";

/**
 * The curation workbench end to end, in Debian's Chromium: a finished simulated run, two reviewers' pages on
 * the dashboard, a rejection and an edit made in one and seen live in the other, and the export downloaded from
 * the page with the rejected sample gone and the edit in.
 */

const REVIEW_SHOT = fileURLToPath(new URL("../../docs/dashboard-review.png", import.meta.url));
const CHARTS_SHOT = fileURLToPath(new URL("../../docs/dashboard-charts.png", import.meta.url));
const TIMEOUT = 15_000;
const EDITED_ANSWER = "EDITED-REFERENCE-42";

describe("the curation workbench in a browser", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let browser: Browser;
  let dashboard: Dashboard;
  let runId: string;
  let samples: Sample[];
  let runsDir: string;
  let topologyDir: string;

  beforeAll(async () => {
    nats = await startTestNats();
    const { file, dir } = await writeTestTopology({ target: 6, natsUrl: nats.url, concurrency: 3 });
    topologyDir = dir;
    runsDir = join(dir, "runs");
    const prepared = await prepareTopology(file, {}, silentLogger());
    const result = await runSession({ prepared, logger: silentLogger(), runId: "run-workbench" });
    runId = result.runId;
    samples = result.samples;
    dashboard = await openDashboard(dashboardOptions());
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await nats?.cleanup();
    await rm(topologyDir, { recursive: true, force: true });
  });

  function dashboardOptions(): DashboardOptions {
    return {
      host: "127.0.0.1",
      port: 0,
      runIds: [],
      outDir: runsDir,
      env: { NATS_URL: nats.url },
      logger: silentLogger(),
      updates: { flushMs: 50, refreshMs: 500 },
    };
  }

  function jsonlRows(zip: Record<string, Uint8Array>): Record<string, unknown>[] {
    return new TextDecoder()
      .decode(zip[`${runId}/jsonl/train.jsonl`])
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  function byTestId(page: Page, testId: string, text?: RegExp | string) {
    return page.locator(`[data-testid="${testId}"]`, text ? { hasText: text } : {});
  }

  async function reviewerPage(name: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1300 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`${dashboard.url}#run=${runId}`);
    await byTestId(page, "connection", /^live$/).waitFor({ timeout: TIMEOUT });
    await page.evaluate((reviewer) => localStorage.setItem("nanoflux.reviewer", reviewer), name);
    // Filter to accepted L4 samples, as a curator looking for what ships would.
    await byTestId(page, "filter-status").selectOption("accepted");
    await byTestId(page, "filter-level").selectOption("L4");
    await byTestId(page, "rounds", /match/).waitFor({ timeout: TIMEOUT });
    expect(errors).toEqual([]);
    return page;
  }

  async function openRound(page: Page, roundId: string): Promise<void> {
    await page.locator(`.round[data-round="${roundId}"] a`).click();
    await byTestId(page, "review-pane").waitFor({ timeout: TIMEOUT });
  }

  it("rejects one sample and edits another, live in a second page, and exports them applied", async () => {
    const l4 = samples.filter((s) => s.verdict.level === "L4");
    expect(l4.length).toBeGreaterThanOrEqual(2);
    const [rejected, edited] = l4 as [Sample, Sample];

    const ada = await reviewerPage("ada");
    const grace = await reviewerPage("grace");
    const listed = await ada.locator('[data-testid="round-list"] .round').count();
    expect(listed).toBe(l4.length);

    await openRound(ada, rejected.roundId);
    await byTestId(ada, "reviewer-name").fill("ada");
    await byTestId(ada, "review-reason").selectOption("wrong_answer");
    await byTestId(ada, "review-reject").click();
    await byTestId(ada, "review-status", /^Rejected/).waitFor({ timeout: TIMEOUT });

    await openRound(ada, edited.roundId);
    await byTestId(ada, "reviewer-name").fill("ada");
    await byTestId(ada, "review-edit-open").click();
    await byTestId(ada, "review-edit-reference").fill(EDITED_ANSWER);
    await byTestId(ada, "review-level").selectOption("L4");
    await byTestId(ada, "review-edit-save").click();
    await byTestId(ada, "review-status", /^Kept with edits/).waitFor({ timeout: TIMEOUT });
    await byTestId(ada, "edited-note").waitFor({ timeout: TIMEOUT });
    // Opening rounds kept the filters: the list still holds the accepted L4 samples only.
    expect(await ada.locator('[data-testid="round-list"] .round').count()).toBe(l4.length);
    expect(await byTestId(ada, "filter-level").inputValue()).toBe("L4");

    // The second reviewer's page never reloaded: both decisions arrive over its live stream.
    const badge = (roundId: string) =>
      grace.locator(`.round[data-round="${roundId}"] [data-testid="review-badge"]`);
    await badge(rejected.roundId).filter({ hasText: "rejected by ada" }).waitFor({ timeout: TIMEOUT });
    await badge(edited.roundId).filter({ hasText: "edited by ada" }).waitFor({ timeout: TIMEOUT });
    await openRound(grace, edited.roundId);
    expect(await byTestId(grace, "round-detail").textContent()).toContain(EDITED_ANSWER);
    expect(await byTestId(grace, "review-history").textContent()).toContain("ada edit");

    // Grace goes on from the keyboard: j or k opens the next or previous round of her filtered list, a approves it.
    const order = await grace
      .locator('[data-testid="round-list"] .round')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-round")));
    const at = order.indexOf(edited.roundId);
    const step = order[at + 1] ? { key: "j", roundId: order[at + 1] } : { key: "k", roundId: order[at - 1] };
    expect(step.roundId).toBeTruthy();
    await byTestId(grace, "reviewer-name").fill("grace");
    await grace.locator("h1").click();
    await grace.keyboard.press(step.key);
    await grace.locator(`.round.open[data-round="${step.roundId}"]`).waitFor({ timeout: TIMEOUT });
    // Approving the sample Ada rejected would be Grace's right, but it would change what the export must show.
    if (step.roundId !== rejected.roundId) {
      await byTestId(grace, "review-status", /^Not reviewed/).waitFor({ timeout: TIMEOUT });
      await grace.keyboard.press("a");
      await byTestId(grace, "review-status", /^Approved/).waitFor({ timeout: TIMEOUT });
    }

    await byTestId(ada, "review-counts", /1 edited · 1 rejected/).waitFor({ timeout: TIMEOUT });
    // The list filtered to accepted L4 with both decisions on it, beside the review pane of the edited sample.
    const box = await ada.evaluate(() => {
      const rect = document.querySelector(".browser")?.getBoundingClientRect();
      return (
        rect && {
          x: rect.x + window.scrollX,
          y: rect.y + window.scrollY,
          width: rect.width,
          height: rect.height,
        }
      );
    });
    if (!box) throw new Error("the round browser is not on the page");
    await ada.screenshot({
      path: REVIEW_SHOT,
      clip: { ...box, height: Math.min(box.height, 820) },
      fullPage: true,
    });
    await ada.locator("#charts").screenshot({ path: CHARTS_SHOT });

    await byTestId(ada, "export-format").selectOption("jsonl");
    const [download] = await Promise.all([
      ada.waitForEvent("download"),
      byTestId(ada, "export-download").click(),
    ]);
    const zip = unzipSync(new Uint8Array(await readFile(await download.path())));
    const rows = jsonlRows(zip);
    expect(rows).toHaveLength(samples.length - 1);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(rejected.id);
    const editedRow = rows.find((row) => JSON.stringify(row).includes(edited.id));
    expect(JSON.stringify(editedRow)).toContain(EDITED_ANSWER);
    const card = new TextDecoder().decode(zip[`${runId}/README.md`]);
    expect(card).toMatch(/rejected/i);

    // A dashboard started just now has not folded the stream yet; its export reads the decisions from the stream.
    const fresh = await openDashboard({ ...dashboardOptions(), runIds: [runId] });
    try {
      const response = await fetch(`${fresh.url}api/runs/${runId}/export?format=jsonl`);
      expect(response.status).toBe(200);
      const freshRows = jsonlRows(unzipSync(new Uint8Array(await response.arrayBuffer())));
      expect(freshRows).toHaveLength(samples.length - 1);
      expect(JSON.stringify(freshRows)).not.toContain(rejected.id);
    } finally {
      await fresh.close();
    }
    // A burst of clicks: exports are made one at a time, a few wait, the rest are told to try again; none leaves
    // a temporary folder behind.
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${dashboard.url}api/runs/${runId}/export?format=jsonl`)),
    );
    const statuses = burst.map((response) => response.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect((await readdir(tmpdir())).filter((name) => name.startsWith("nanoflux-export-"))).toEqual([]);
    expect((await fetch(`${dashboard.url}api/runs/${runId}/export`, { method: "HEAD" })).status).toBe(405);
    // A dashboard that follows other runs offers no export of this one.
    const other = await openDashboard({ ...dashboardOptions(), runIds: ["run-other"] });
    try {
      expect((await fetch(`${other.url}api/runs/${runId}/export?format=jsonl`)).status).toBe(404);
    } finally {
      await other.close();
    }
  }, 90_000);

  it("takes a decision from another machine's browser through the printed token link", async () => {
    const token = "workbench-token-0123456789";
    const wide = await openDashboard({ ...dashboardOptions(), host: "0.0.0.0", token });
    // Another machine reaches the dashboard by a name, over plain http: not a secure context for the page.
    const remote = await launchChromium([`--host-resolver-rules=MAP reviewer.example 127.0.0.1`]);
    try {
      const last = samples.at(-1) as Sample;
      const port = new URL(wide.url).port;
      const page = await remote.newPage({ viewport: { width: 1440, height: 1300 } });
      await page.goto(`http://reviewer.example:${port}/#token=${token}&run=${runId}&round=${last.roundId}`);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
      // The token left the address for the tab's storage.
      await expect.poll(() => page.evaluate(() => location.hash)).not.toContain("token");
      await byTestId(page, "review-pane").waitFor({ timeout: TIMEOUT });
      await byTestId(page, "reviewer-name").fill("remote reviewer");
      await byTestId(page, "review-approve").click();
      await byTestId(page, "review-status", /^Approved/).waitFor({ timeout: TIMEOUT });
      expect(await byTestId(page, "review-history").textContent()).toContain("remote reviewer approve");
    } finally {
      await remote.close();
      await wide.close();
    }
  }, 60_000);
});
