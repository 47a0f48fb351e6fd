import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { Bus } from "../../bus/bus.ts";
import { attachFolderServer } from "../../bus/folder-server.ts";
import { silentLogger } from "../../log/logger.ts";
import { ConfigError, errorInfo } from "../../protocol/errors.ts";
import { ReviewRecorded } from "../../protocol/messages.ts";
import { reviewStage } from "../../protocol/subjects.ts";
import { startTestNats } from "../support/nats.ts";
import { exportPrinted } from "./support/command.ts";
import { REVIEWED_SAMPLES, REVIEWS } from "./support/reviews.ts";
import { REPORT, runStarted, topologyWith, writeRunFolder } from "./support/run-folder.ts";

/**
 * `nanoflux export` reading a run's reviews from its stream: a real nats-server holding the run's run.started
 * event and the reviews a dashboard published, found through NATS_URL or the runs folder's own store.
 */

let nats: Awaited<ReturnType<typeof startTestNats>>;
let root: string;
const natsUrl = process.env.NATS_URL;

/** What a run and its reviewers leave on a stream: run.started, then each review on its round's subject. */
async function recordRun(url: string): Promise<void> {
  const bus = await Bus.open({ servers: url, name: "review-test", logger: silentLogger() });
  try {
    await bus.publishEvent(runStarted(topologyWith({ license: "cc-by-4.0" })), "run-t-started");
    for (const review of REVIEWS)
      await bus.publish("run-t", reviewStage(review.roundId), ReviewRecorded, review, review.reviewId);
  } finally {
    await bus.close();
  }
}

async function records(out: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(out, "jsonl/train.jsonl"), "utf8");
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const card = (out: string) => readFile(join(out, "README.md"), "utf8");

beforeAll(async () => {
  nats = await startTestNats();
  await recordRun(nats.url);
});
afterAll(async () => {
  await nats.cleanup();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "nf-review-stream-"));
  delete process.env.NATS_URL;
});
afterEach(async () => {
  if (natsUrl === undefined) delete process.env.NATS_URL;
  else process.env.NATS_URL = natsUrl;
  await rm(root, { recursive: true, force: true });
});

describe("nanoflux export applies the reviews on the run's stream", () => {
  test("NATS_URL: the reviews are read, applied and counted", async () => {
    process.env.NATS_URL = nats.url;
    const runDir = await writeRunFolder(join(root, "run"), REVIEWED_SAMPLES, { report: REPORT });
    const out = join(root, "out");
    const { stdout } = await exportPrinted(["--format", "jsonl", "--out", out, runDir]);
    expect(stdout).toContain(
      `applied reviews from the stream at ${nats.url} (6 reviews): 1 approved, 1 rejected (left out), 2 edited; ` +
        "2 not reviewed; 1 edited reference answer not re-verified by the Judge (the card says so)\nwrote 5 samples",
    );
    const rows = await records(out);
    expect(rows.map((r) => r.id)).toEqual(["s0", "s1", "s3", "s4", "s5"]);
    expect(rows[2]).toMatchObject({ review_status: "edited", final_answer: "28", reviewers: ["alice"] });
    expect(await card(out)).toContain(`read from the stream at ${nats.url} (6 reviews).`);
  });

  test("no NATS_URL: the embedded server of the runs folder that holds the run folder", async () => {
    const runsDir = join(root, "runs");
    const server = await attachFolderServer(join(runsDir, ".nats"));
    try {
      await recordRun(server.url);
    } finally {
      await server.release();
    }
    const runDir = await writeRunFolder(join(runsDir, "run-t"), REVIEWED_SAMPLES, { report: REPORT });
    const { stdout } = await exportPrinted(["--format", "jsonl", runDir]);
    expect(stdout).toContain("applied reviews from the stream of runs/.nats (6 reviews): 1 approved");
    expect((await records(join(runDir, "export"))).map((r) => r.id)).not.toContain("s2");
  });

  test("--no-reviews: exported as the run kept it, without touching NATS", async () => {
    process.env.NATS_URL = "nats://127.0.0.1:1";
    const runDir = await writeRunFolder(join(root, "run"), REVIEWED_SAMPLES, { report: REPORT });
    const out = join(root, "out");
    const { stdout } = await exportPrinted(["--format", "jsonl", "--no-reviews", "--out", out, runDir]);
    expect(stdout).toContain(
      "reviews ignored (--no-reviews): the samples are as the run kept them\nwrote 6 samples",
    );
    expect(await card(out)).toContain("Human reviews were ignored on request (`--no-reviews`)");
  });

  test("no stream to be found: exported without reviews, with a warning saying how to point at one", async () => {
    const runDir = await writeRunFolder(join(root, "run"), REVIEWED_SAMPLES, { report: REPORT });
    const out = join(root, "out");
    const { stdout, stderr } = await exportPrinted(["--format", "jsonl", "--out", out, runDir]);
    expect(stdout).toContain("wrote 6 samples");
    expect(stderr).toContain(`warning: reviews could not be read: NATS_URL is not set and ${root} `);
    expect(stderr).toMatch(
      /set NATS_URL to the run's NATS server, or export the run folder inside the runs folder/,
    );
    expect(await card(out)).toContain("No human reviews were read for this export");
  });

  test("NATS_URL unreachable: a clear error, exit code as for any NATS outage, nothing written", async () => {
    process.env.NATS_URL = "nats://127.0.0.1:1";
    const runDir = await writeRunFolder(join(root, "run"), REVIEWED_SAMPLES, { report: REPORT });
    const out = join(root, "out");
    const failure = await exportPrinted(["--format", "jsonl", "--out", out, runDir]).catch(
      (err: unknown) => err,
    );
    expect(errorInfo(failure)).toMatchObject({ code: "NATS_UNREACHABLE", exitCode: 1 });
    expect((failure as Error).message).toMatch(/cannot connect to NATS at nats:\/\/127\.0\.0\.1:1/);
    await expect(access(out)).rejects.toThrow(/ENOENT/);
  });

  test("a stream that does not know the run: refused (exit 2), naming both ways out, nothing written", async () => {
    process.env.NATS_URL = nats.url;
    const elsewhere = runStarted(topologyWith({ license: "cc-by-4.0" }), "run-elsewhere");
    const runDir = await writeRunFolder(join(root, "run"), REVIEWED_SAMPLES, { record: elsewhere });
    const out = join(root, "out");
    const failure = await exportPrinted(["--format", "jsonl", "--out", out, runDir]).catch(
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect(errorInfo(failure).exitCode).toBe(2);
    expect((failure as Error).message).toMatch(
      /run run-elsewhere is not on the stream at .*set NATS_URL to the NATS server the run used, or pass --no-reviews/,
    );
    await expect(access(out)).rejects.toThrow(/ENOENT/);
  });
});
