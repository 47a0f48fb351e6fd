import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { runExport } from "../../cli/export-command.ts";
import { ExportFormat } from "../../curation/export/formats.ts";
import { applyReviews, reviewBook } from "../../curation/reviews.ts";
import { ConfigError } from "../../protocol/errors.ts";
import { question } from "../support/fixtures.ts";
import { hyparquetRows } from "./support/independent-readers.ts";
import {
  BAG_STEPS,
  BAG_TEXT,
  CLEARER_TEXT,
  RECORDED_REVIEWS,
  REVIEWED_SAMPLES,
  REVIEWS,
  rejectionsOf,
} from "./support/reviews.ts";
import { REPORT, writeRunFolder } from "./support/run-folder.ts";

let root: string;
let runDir: string;
const book = reviewBook(RECORDED_REVIEWS);
const reviews = { book, source: "the test's stream (6 reviews)" };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "nf-review-export-"));
  runDir = await writeRunFolder(join(root, "run"), REVIEWED_SAMPLES, { report: REPORT });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function jsonl(out: string, format: ExportFormat): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(out, format, "train.jsonl"), "utf8");
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The texts of a row's turns: `messages`' contents, `conversations`' values. */
function turns(row: Record<string, unknown> | undefined, key: string, field: string): unknown[] {
  return ((row?.[key] ?? []) as Record<string, unknown>[]).map((turn) => turn[field]);
}

const byId = (rows: Record<string, unknown>[]) => new Map(rows.map((row) => [row.id, row]));

describe("the export applies the reviewers' decisions", () => {
  test("rejected samples are left out; edits are in every format, the edited answer the final one", async () => {
    const out = join(root, "out");
    const result = await runExport({ runDir, formats: ExportFormat.options, out, reviews });
    expect(result.samples).toBe(5);
    expect(result.review).toEqual({
      state: "applied",
      source: reviews.source,
      counts: { approved: 1, rejected: 1, edited: 2, unreviewed: 2, reviewers: ["alice", "bob", "carol"] },
      answerEdits: 1,
    });

    const records = await jsonl(out, "jsonl");
    expect(records.map((r) => r.id)).toEqual(["s0", "s1", "s3", "s4", "s5"]);
    const s3 = byId(records).get("s3");
    expect(s3).toMatchObject({
      question: BAG_TEXT,
      prompt: BAG_TEXT,
      reference_answer: "28",
      solution_steps: BAG_STEPS,
      final_answer: "28",
      completion: "1. 12 * 3 = 36\n2. 36 * 0.75 = 27\n3. 27 + 1 = 28\n\nFinal answer: 28",
    });
    expect(byId(records).get("s4")).toMatchObject({ question: CLEARER_TEXT, final_answer: "27" });
    expect(await hyparquetRows(await readFile(join(out, "parquet/train.parquet")))).toEqual(records);

    const completion = s3?.completion;
    const chat = await jsonl(out, "openai-chat");
    expect(chat).toHaveLength(5);
    expect(turns(chat[2], "messages", "content").slice(1)).toEqual([BAG_TEXT, completion]);
    expect(turns(chat[3], "messages", "content")[1]).toBe(CLEARER_TEXT);
    const share = await jsonl(out, "sharegpt");
    expect(turns(share[2], "conversations", "value").slice(1)).toEqual([BAG_TEXT, completion]);
    const alpaca = await jsonl(out, "alpaca");
    expect(alpaca[2]).toMatchObject({ instruction: BAG_TEXT, output: completion });
    expect(alpaca[3]).toMatchObject({ instruction: CLEARER_TEXT });
    // The training formats carry the edited text alone.
    expect(Object.keys(chat[0] ?? {})).toEqual(["messages"]);
  });

  test("each record says what review made of it; unreviewed samples get nulls and empty lists", async () => {
    const out = join(root, "out");
    await runExport({ runDir, formats: ["jsonl"], out, reviews });
    const rows = byId(await jsonl(out, "jsonl"));
    const unreviewed = {
      review_status: null,
      reviewers: [],
      edited_fields: [],
      original_question: null,
      original_reference_answer: null,
      original_solution_steps: null,
    };
    expect(rows.get("s0")).toMatchObject(unreviewed);
    expect(rows.get("s5")).toMatchObject(unreviewed);
    expect(rows.get("s1")).toMatchObject({ ...unreviewed, review_status: "approved", reviewers: ["alice"] });
    // The originals are the run's sample, not the `before` the review event claimed.
    expect(rows.get("s3")).toMatchObject({
      review_status: "edited",
      reviewers: ["alice"],
      edited_fields: ["question", "reference_answer", "solution_steps"],
      original_question: question.text,
      original_reference_answer: "27",
      original_solution_steps: question.solutionSteps,
    });
    expect(rows.get("s4")).toMatchObject({
      ...unreviewed,
      review_status: "edited",
      reviewers: ["carol", "bob"],
      edited_fields: ["question"],
      original_question: question.text,
    });
  });

  test("the card declares the review columns and says what review did", async () => {
    const out = join(root, "out");
    await runExport({ runDir, formats: ["parquet", "openai-chat"], out, reviews });
    const card = await readFile(join(out, "README.md"), "utf8");
    const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)?.[1] ?? "") as {
      dataset_info: { config_name: string; features: { name: string }[] }[];
    };
    const parquet = front.dataset_info.find((c) => c.config_name === "parquet");
    expect(parquet?.features.slice(-6)).toEqual([
      { name: "review_status", dtype: "string" },
      { name: "reviewers", list: "string" },
      { name: "edited_fields", list: "string" },
      { name: "original_question", dtype: "string" },
      { name: "original_reference_answer", dtype: "string" },
      { name: "original_solution_steps", list: "string" },
    ]);
    const section = card.slice(card.indexOf("## Human review"), card.indexOf("## Cost"));
    expect(section).toContain(
      "this export applied their decisions, read from the test's stream (6 reviews).",
    );
    expect(section).toContain(
      [
        "| decision | samples | in this dataset |",
        "|---|---|---|",
        "| approved | 1 | yes |",
        "| edited | 2 | yes, with the edits in |",
        "| rejected | 1 | no: left out |",
        "| not reviewed | 2 | yes |",
      ].join("\n"),
    );
    expect(section).toContain("Reviewers: alice, bob, carol.");
    expect(section).toContain("In `parquet`, `review_status`");
    expect(section).toContain("The other configs hold the samples, edits in, without these columns.");
    expect(section).toContain("> **Edits were not re-judged.**");
    expect(section).toContain(
      "1 of the 2 edited samples has a reference answer a reviewer changed: its final answer is the reviewer's, and no Judge verified it.",
    );
    expect(card).toContain(
      "Kept 6 samples out of 9 rounds (target 3). Reviewers rejected 1 of them afterwards (see Human review): this dataset holds the other 5.",
    );
    expect(card).toContain("5 multi-step reasoning problems");
  });

  test("no reviews read, or ignored on request: the samples as the run kept them, and the card says which", async () => {
    const unread = await runExport({ runDir, formats: ["jsonl"], out: join(root, "unread") });
    expect(unread.samples).toBe(6);
    expect(unread.review).toEqual({ state: "unread" });
    expect(await readFile(join(root, "unread/README.md"), "utf8")).toContain(
      "## Human review\n\nNo human reviews were read for this export",
    );
    const ignored = await runExport({
      runDir,
      formats: ["jsonl"],
      out: join(root, "ignored"),
      reviews: "ignored",
    });
    expect(ignored.review).toEqual({ state: "ignored" });
    expect(await readFile(join(root, "ignored/README.md"), "utf8")).toContain(
      "Human reviews were ignored on request (`--no-reviews`)",
    );
    const rows = await jsonl(join(root, "ignored"), "jsonl");
    expect(rows.map((r) => r.review_status)).toEqual(Array(6).fill(null));
    expect(byId(rows).get("s3")?.final_answer).toBe("27");
  });

  test("every sample rejected: refused before anything is created, naming the way out", async () => {
    const out = join(root, "out");
    const allRejected = reviewBook(rejectionsOf(REVIEWED_SAMPLES.map((s) => s.roundId)));
    const attempt = runExport({
      runDir,
      formats: ["parquet"],
      out,
      reviews: { book: allRejected, source: "x" },
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      /reviewers rejected all 6 samples .*nothing to export.*--no-reviews/,
    );
    await expect(access(out)).rejects.toThrow(/ENOENT/);
  });

  test("reviews change the dataset: an export with them and one without do not share a folder unless forced", async () => {
    const out = join(root, "out");
    await runExport({ runDir, formats: ["parquet"], out, reviews });
    await expect(runExport({ runDir, formats: ["jsonl"], out, reviews: "ignored" })).rejects.toThrow(
      /holds the parquet export of another dataset/,
    );
    // Reviews that decide nothing about these samples leave the dataset as it was exported before reviews.
    const fresh = join(root, "fresh");
    await runExport({ runDir, formats: ["parquet"], out: fresh });
    const none = await runExport({
      runDir,
      formats: ["jsonl"],
      out: fresh,
      reviews: { book: reviewBook([]), source: "an empty stream" },
    });
    expect(none.configs).toEqual(["parquet", "jsonl"]);
    expect(await readFile(join(fresh, "README.md"), "utf8")).toContain(
      "No sample of this run was reviewed (reviews read from an empty stream)",
    );
  });
});

describe("applying the book (curation/reviews.ts)", () => {
  test("an approval after a rejection keeps earlier edits, and says the sample was edited", () => {
    const [edit] = REVIEWS.filter((r) => r.roundId === "r3");
    if (!edit) throw new Error("the scenario edits r3");
    const [reject] = rejectionsOf(["r3"]);
    const approve = { ...edit, action: "approve" as const, edits: undefined, before: undefined };
    const folded = reviewBook([
      { review: edit, seq: 1 },
      { review: reject?.review ?? edit, seq: 2 },
      { review: approve, seq: 3 },
    ]);
    expect(folded.get("r3")?.status).toBe("edited");
    const { samples, counts } = applyReviews(REVIEWED_SAMPLES, folded);
    expect(counts).toMatchObject({ edited: 1, approved: 0, rejected: 0 });
    expect(samples.find((s) => s.sample.id === "s3")?.review?.status).toBe("edited");
  });
});
