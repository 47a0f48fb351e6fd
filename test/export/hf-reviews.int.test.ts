import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runExport } from "../../cli/export-command.ts";
import { reviewBook } from "../../curation/reviews.ts";
import { question } from "../support/fixtures.ts";
import {
  loadWithPython,
  type PythonLoad,
  pythonReader,
  pythonSkipNote,
  REQUIRE_PYTHON,
} from "./support/independent-readers.ts";
import { BAG_STEPS, BAG_TEXT, RECORDED_REVIEWS, REVIEWED_SAMPLES } from "./support/reviews.ts";
import { REPORT, writeRunFolder } from "./support/run-folder.ts";

/**
 * A reviewed export as a Hugging Face user loads it: the review columns come back with their declared types
 * (lists as lists, nulls as None) from the Parquet file `datasets` reads, the same as the JSON Lines beside it.
 */

const python = await pythonReader();

describe.runIf(python.ok || REQUIRE_PYTHON)(
  `datasets.load_dataset reads what review made of each sample${pythonSkipNote(python)}`,
  () => {
    let root: string;
    let loaded: PythonLoad;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), "nf-hf-reviews-"));
      const runDir = await writeRunFolder(join(root, "run"), REVIEWED_SAMPLES, { report: REPORT });
      const out = join(root, "export");
      await runExport({
        runDir,
        formats: ["parquet", "jsonl", "openai-chat"],
        out,
        reviews: { book: reviewBook(RECORDED_REVIEWS), source: "the test's stream" },
      });
      loaded = await loadWithPython(out, ["parquet", "jsonl", "openai-chat"]);
    }, 180_000);
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    test("the review columns have the types the card declares", () => {
      expect(loaded.loads.parquet?.train?.arrow).toMatchObject({
        review_status: "string",
        reviewers: "list<item: string>",
        edited_fields: "list<item: string>",
        original_question: "string",
        original_reference_answer: "string",
        original_solution_steps: "list<item: string>",
      });
    });

    test("rejected samples are gone; edits, reviewers and originals come back, unreviewed rows null or empty", () => {
      const rows = loaded.loads.parquet?.train?.rows_json ?? [];
      expect(rows.map((r) => r.id)).toEqual(["s0", "s1", "s3", "s4", "s5"]);
      expect(rows[0]).toMatchObject({
        review_status: null,
        reviewers: [],
        edited_fields: [],
        original_solution_steps: null,
      });
      expect(rows[2]).toMatchObject({
        question: BAG_TEXT,
        solution_steps: BAG_STEPS,
        final_answer: "28",
        review_status: "edited",
        edited_fields: ["question", "reference_answer", "solution_steps"],
        original_reference_answer: question.referenceAnswer,
        original_solution_steps: question.solutionSteps,
      });
      expect(loaded.loads.jsonl?.train?.rows_json).toEqual(rows);
      const chat = loaded.loads["openai-chat"]?.train?.rows_json[2]?.messages as { content: string }[];
      expect(chat[1]?.content).toBe(BAG_TEXT);
    });
  },
);
