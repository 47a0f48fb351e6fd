import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bus } from "../../bus/bus.ts";
import { readRunEvents } from "../../bus/run-events.ts";
import { ensureDashboardAssets } from "../../dashboard/build.ts";
import { type Dashboard, openDashboard } from "../../dashboard/dashboard.ts";
import { API, type ReviewRequest, RoundDetail, WRITE_HEADER } from "../../dashboard/wire.ts";
import { silentLogger } from "../../log/logger.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import { idempotencyKey, reviewStage, runStageSubject } from "../../protocol/subjects.ts";
import { exited, spawnNanoflux } from "../support/child-agent.ts";
import { startTestNats, waitFor } from "../support/nats.ts";
import { roundEvents, runStarted } from "./crafted-events.ts";

/**
 * Reviews through the dashboard's HTTP API against a real nats-server: who may write, and that decisions
 * are recorded on the run's stream, exactly once each, without one reviewer silently overriding another.
 */

const RUN = "run-reviews";
const ACCEPTED = [1, 2, 3, 4].map((seq) => `r${String(seq).padStart(6, "0")}`);
const REJECTED = "r000005";
/** Rounds whose review subjects get messages written past the dashboard. */
const [MISFILED, MALFORMED] = ["r000006", "r000007"];

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

function decision(overrides: Partial<ReviewRequest> & Pick<ReviewRequest, "action">): ReviewRequest {
  return { requestId: randomUUID(), reviewer: "ada", basedOn: 0, ...overrides };
}

describe("reviews through the dashboard", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let assetsDir: string;
  let publisher: Bus;
  const opened: Dashboard[] = [];

  async function dashboard(host = "127.0.0.1", extra: { readOnly?: boolean; token?: string } = {}) {
    const started = await openDashboard({
      host,
      port: 0,
      runIds: [RUN],
      outDir: join(nats.dir, "runs"),
      env: { NATS_URL: nats.url },
      logger: silentLogger(),
      assetsDir,
      updates: { flushMs: 20, refreshMs: 500 },
      ...extra,
    });
    opened.push(started);
    const base = `http://127.0.0.1:${new URL(started.url).port}`;
    // Reviews are taken only for rounds the dashboard has seen.
    await waitFor(
      async () => (await fetch(`${base}${API.round(RUN, REJECTED)}`)).ok,
      10_000,
      "the run's rounds",
    );
    return { ...started, base };
  }

  async function post(
    base: string,
    roundId: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const response = await fetch(`${base}${API.reviews(RUN, roundId)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", [WRITE_HEADER]: "1", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : { text } };
  }

  async function detailOf(base: string, roundId: string): Promise<RoundDetail> {
    return RoundDetail.parse(await (await fetch(`${base}${API.round(RUN, roundId)}`)).json());
  }

  async function reviewsOnStream(): Promise<RunEvent[]> {
    const events = await readRunEvents(publisher.js, RUN);
    return events.map((e) => e.event).filter((e) => e.type === "review.recorded.v1");
  }

  beforeAll(async () => {
    nats = await startTestNats();
    assetsDir = await mkdtemp(join(tmpdir(), "nanoflux-review-assets-"));
    await ensureDashboardAssets(assetsDir);
    publisher = await Bus.open({ servers: nats.url, name: "review-test-publisher", logger: silentLogger() });
    const events: RunEvent[] = [
      runStarted({ runId: RUN, target: 4 }),
      ...[1, 2, 3, 4].flatMap((seq) =>
        roundEvents({ runId: RUN, seq, end: { kind: "accepted", outcome: "attack_succeeded", level: "L4" } }),
      ),
      ...roundEvents({
        runId: RUN,
        seq: 5,
        end: { kind: "rejected", outcome: "defended", level: "L2", reasonCode: "quality_band" },
      }),
      ...[6, 7].flatMap((seq) =>
        roundEvents({ runId: RUN, seq, end: { kind: "accepted", outcome: "defended", level: "L4" } }),
      ),
    ];
    for (const event of events)
      await publisher.publishEvent(
        event,
        idempotencyKey(RUN, "spec" in event ? event.spec.roundId : "run", `${event.type}:${randomUUID()}`),
      );
  });

  afterAll(async () => {
    for (const d of opened) await d.close();
    await publisher?.close();
    await nats?.cleanup();
    await rm(assetsDir, { recursive: true, force: true });
  });

  it("refuses a write without the token when bound beyond loopback, and takes it with the token", async () => {
    const token = "test-token-0123456789abcdef";
    const wide = await dashboard("0.0.0.0", { token });
    expect(wide.writes).toBe("token");
    // A link another machine can open: this machine's name, not 0.0.0.0, and the token in the fragment.
    expect(new URL(wide.reviewUrl)).toMatchObject({
      hostname: hostname().toLowerCase(),
      hash: `#token=${token}`,
    });
    const session = await (await fetch(`${wide.base}${API.session}`)).json();
    expect(session).toMatchObject({ writes: "token" });

    const withoutToken = await post(wide.base, ACCEPTED[0] as string, decision({ action: "approve" }));
    expect(withoutToken.status).toBe(401);
    expect(String(withoutToken.body.error)).toContain("token");
    const wrongToken = await post(wide.base, ACCEPTED[0] as string, decision({ action: "approve" }), {
      Authorization: "Bearer test-token-0123456789abcdeX",
    });
    expect(wrongToken.status).toBe(401);
    expect(await reviewsOnStream()).toHaveLength(0);

    const withToken = await post(
      wide.base,
      ACCEPTED[0] as string,
      decision({ action: "assess", assessment: { valid: true, level: "L4" } }),
      {
        Authorization: `Bearer ${token}`,
      },
    );
    expect(withToken.status).toBe(201);
    expect(await reviewsOnStream()).toHaveLength(1);
  });

  it("refuses a token too short to guard anything before it listens", async () => {
    await expect(dashboard("0.0.0.0", { token: "short" })).rejects.toThrow(/at least 16/);
  });

  it("refuses writes from other sites and writes that are not the page's JSON", async () => {
    const local = await dashboard();
    const roundId = ACCEPTED[1] as string;
    const before = (await reviewsOnStream()).length;
    const fromElsewhere = await post(local.base, roundId, decision({ action: "approve" }), {
      Origin: "http://evil.example",
    });
    expect(fromElsewhere.status).toBe(403);
    const crossSite = await post(local.base, roundId, decision({ action: "approve" }), {
      "Sec-Fetch-Site": "cross-site",
    });
    expect(crossSite.status).toBe(403);
    // What a cross-site form can send: no custom header, a simple content type.
    const form = await fetch(`${local.base}${API.reviews(RUN, roundId)}`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify(decision({ action: "approve" })),
    });
    expect(form.status).toBe(403);
    const plain = await post(local.base, roundId, JSON.stringify(decision({ action: "approve" })), {
      "Content-Type": "text/plain",
    });
    expect(plain.status).toBe(415);
    const huge = await post(local.base, roundId, decision({ action: "approve", note: "x".repeat(300_000) }));
    expect(huge.status).toBe(413);
    expect((await reviewsOnStream()).length).toBe(before);
  });

  it("names the field of a malformed decision, and records nothing", async () => {
    const local = await dashboard();
    const roundId = ACCEPTED[1] as string;
    const before = (await reviewsOnStream()).length;
    const noReason = await post(local.base, roundId, decision({ action: "reject" }));
    expect(noReason).toMatchObject({ status: 400, body: { field: "reason" } });
    const noReviewer = await post(local.base, roundId, decision({ action: "approve", reviewer: "  " }));
    expect(noReviewer).toMatchObject({ status: 400, body: { field: "reviewer" } });
    const script = await post(local.base, roundId, decision({ action: "approve", reviewer: "<script>" }));
    expect(script).toMatchObject({ status: 400, body: { field: "reviewer" } });
    const unknownField = await post(local.base, roundId, { ...decision({ action: "approve" }), admin: true });
    expect(unknownField.status).toBe(400);
    const notJson = await post(local.base, roundId, "{not json");
    expect(notJson.status).toBe(400);
    const sameText = await post(
      local.base,
      roundId,
      decision({ action: "edit", edits: { referenceAnswer: "12:00" } }),
    );
    expect(sameText).toMatchObject({ status: 400, body: { field: "edits" } });
    const escapeCodes = await post(
      local.base,
      roundId,
      decision({ action: "assess", assessment: { valid: true }, note: "\u001b]0;owned\u0007" }),
    );
    expect(escapeCodes).toMatchObject({ status: 400, body: { field: "note" } });
    const contradiction = await post(
      local.base,
      roundId,
      decision({ action: "approve", assessment: { valid: false } }),
    );
    expect(contradiction).toMatchObject({ status: 400, body: { field: "assessment.valid" } });
    const rejectedRound = await post(local.base, REJECTED, decision({ action: "approve" }));
    expect(rejectedRound).toMatchObject({ status: 400, body: { field: "action" } });
    const unknownRound = await post(local.base, "r999999", decision({ action: "approve" }));
    expect(unknownRound.status).toBe(404);
    const traversal = await fetch(`${local.base}/api/runs/%2E%2E/export`);
    expect(traversal.status).toBe(404);
    expect((await reviewsOnStream()).length).toBe(before);
  });

  it("keeps two reviewers' concurrent decisions on different samples, and refuses the stale one on the same sample", async () => {
    const local = await dashboard();
    const [first, second] = [ACCEPTED[2] as string, ACCEPTED[3] as string];
    const [rejected, edited] = await Promise.all([
      post(local.base, first, decision({ action: "reject", reason: "wrong_answer", reviewer: "ada" })),
      post(
        local.base,
        second,
        decision({ action: "edit", reviewer: "grace", edits: { referenceAnswer: "12:00 noon" } }),
      ),
    ]);
    expect([rejected.status, edited.status]).toEqual([201, 201]);
    const onStream = await reviewsOnStream();
    expect(onStream.filter((e) => e.type === "review.recorded.v1" && e.roundId === first)).toHaveLength(1);
    expect(onStream.filter((e) => e.type === "review.recorded.v1" && e.roundId === second)).toHaveLength(1);
    await waitFor(
      async () => {
        const details = await Promise.all(
          [first, second].map(async (id) =>
            RoundDetail.parse(await (await fetch(`${local.base}${API.round(RUN, id)}`)).json()),
          ),
        );
        return details[0]?.review?.status === "rejected" && details[1]?.review?.status === "edited";
      },
      10_000,
      "both decisions on the board",
    );

    // Two reviewers act on the same view of one sample at once: exactly one decision is recorded.
    const detail = RoundDetail.parse(await (await fetch(`${local.base}${API.round(RUN, second)}`)).json());
    const basedOn = detail.review?.lastSeq ?? -1;
    const race = await Promise.all([
      post(local.base, second, decision({ action: "approve", reviewer: "ada", basedOn })),
      post(
        local.base,
        second,
        decision({ action: "reject", reason: "low_quality", reviewer: "grace", basedOn }),
      ),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = race.find((r) => r.status === 409);
    expect(String(loser?.body.error)).toContain("someone else reviewed");
  });

  it("records a retried decision once", async () => {
    const local = await dashboard();
    const roundId = ACCEPTED[0] as string;
    const detail = RoundDetail.parse(await (await fetch(`${local.base}${API.round(RUN, roundId)}`)).json());
    const once = decision({ action: "approve", reviewer: "linus", basedOn: detail.review?.lastSeq ?? 0 });
    const first = await post(local.base, roundId, once);
    const again = await post(local.base, roundId, once);
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, seq: first.body.seq } });
    const mine = (await reviewsOnStream()).filter(
      (e) => e.type === "review.recorded.v1" && e.reviewer === "linus",
    );
    expect(mine).toHaveLength(1);
    // Another decision under a reused request id is not taken for the first one: it is judged on its own.
    const reused = await post(local.base, roundId, {
      ...once,
      action: "reject",
      reason: "other",
      reviewer: "eve",
    });
    expect(reused.status).toBe(409);
  });

  it("shows a decision live in `nanoflux tap`", async () => {
    const local = await dashboard();
    const tap = spawnNanoflux(["tap", RUN, "--subject", "review.recorded", "--json", "--follow"], {
      NATS_URL: nats.url,
    });
    try {
      let stdout = "";
      tap.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      // tap prints nothing until it follows; a decision made before that is not "live": keep deciding until one shows.
      const roundId = ACCEPTED[0] as string;
      await waitFor(
        async () => {
          if (stdout.includes('"reviewer":"tapper"')) return true;
          const basedOn =
            RoundDetail.parse(await (await fetch(`${local.base}${API.round(RUN, roundId)}`)).json()).review
              ?.lastSeq ?? 0;
          await post(
            local.base,
            roundId,
            decision({ action: "assess", reviewer: "tapper", assessment: { valid: true }, basedOn }),
          );
          await new Promise((resolve) => setTimeout(resolve, 300));
          return stdout.includes('"reviewer":"tapper"');
        },
        20_000,
        "the review in tap's output",
      );
      const line = JSON.parse(stdout.split("\n").find((l) => l.includes('"tapper"')) as string);
      expect(line.event).toMatchObject({
        type: "review.recorded.v1",
        roundId,
        reviewer: "tapper",
        action: "assess",
      });
    } finally {
      tap.kill("SIGTERM");
      await exited(tap);
    }
  });

  it("never locks a round whose review subject holds a message written past the dashboard", async () => {
    const local = await dashboard();
    const raw = (roundId: string, body: unknown) =>
      publisher.js.publish(runStageSubject(RUN, reviewStage(roundId)), JSON.stringify(body));
    // A valid review that names another round than its subject's, and a message that is no review at all.
    await raw(MISFILED, {
      ...decision({ action: "reject", reason: "other" }),
      type: "review.recorded.v1",
      runId: RUN,
      at: new Date().toISOString(),
      producer: "mallory",
      reviewId: "rv-x",
      roundId: ACCEPTED[0],
    });
    await raw(MALFORMED, { type: "review.recorded.v1", note: "\u001b[2J" });
    for (const roundId of [MISFILED, MALFORMED]) {
      // The stale view's decision is refused, with the sequence to base the next one on...
      const stale = await post(local.base, roundId, decision({ action: "approve", reviewer: "ada" }));
      expect(stale.status).toBe(409);
      expect(stale.body.lastSeq).toBeGreaterThan(0);
      // ...which the round's details carry too, once the dashboard has seen the message; then the decision is taken.
      await waitFor(
        async () => (await detailOf(local.base, roundId)).reviewSeq === stale.body.lastSeq,
        10_000,
        "the skipped message on the board",
      );
      const taken = await post(
        local.base,
        roundId,
        decision({ action: "approve", reviewer: "ada", basedOn: Number(stale.body.lastSeq) }),
      );
      expect(taken.status).toBe(201);
    }
    // Neither message counted as a decision: the first round is not rejected by the misfiled one.
    expect((await detailOf(local.base, MISFILED)).review?.reviewers).toEqual(["ada"]);
    expect(
      (await detailOf(local.base, ACCEPTED[0] as string)).review?.history.some(
        (h) => h.reviewer === "mallory",
      ),
    ).toBe(false);
  });

  it("refuses every write when read-only, even on loopback", async () => {
    const readOnly = await dashboard("127.0.0.1", { readOnly: true });
    expect(readOnly.writes).toBe("off");
    const refused = await post(readOnly.base, ACCEPTED[0] as string, decision({ action: "approve" }));
    expect(refused.status).toBe(403);
  });
});
