import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CurationConfig } from "../../config/topology.ts";
import { openCuration } from "../../curation/open-curation.ts";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";

/** The gates as the Curator uses them: default offline embedder, LanceDB store, GSM8K decontamination. */

const ACCEPTED =
  "A bakery sells muffins for $3 each and cookies for $1.50 each. On Monday it sold 40 muffins and 3 times as many cookies. How much money did the bakery make on Monday?";
const PARAPHRASES = [
  "Muffins cost $3 and cookies cost $1.50 at a bakery. On Monday the bakery sold 40 muffins and three times as many cookies. What was the bakery's revenue on Monday?",
  "At a bakery, each muffin is $3 and each cookie is $1.50. Monday's sales were 40 muffins and triple that number of cookies. How much did the bakery earn that day?",
  "A bakery sells muffins for $4 each and cookies for $2 each. On Tuesday it sold 55 muffins and 2 times as many cookies. How much money did the bakery make on Tuesday?",
];
const UNRELATED = [
  "A train leaves the station at 9 am travelling at 80 km/h. A second train leaves at 10 am at 100 km/h on the same track. At what time does the second train catch up?",
  "Find the number of positive integers less than 1000 that are divisible by 7 but not by 11.",
  "A rectangle has a perimeter of 56 cm and its length is 4 cm more than its width. What is its area?",
];

let root: string;
let benchmark: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "nf-curation-"));
  benchmark = join(root, "gsm8k-head.jsonl");
  const gsm8k = await readFile(join(defaultBenchmarksDir(), "gsm8k-test.jsonl"), "utf8");
  await writeFile(benchmark, `${gsm8k.split("\n").slice(0, 5).join("\n")}\n`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function open(runDir: string) {
  const config = CurationConfig.parse({ decontamination: { benchmarks: [benchmark] } });
  return openCuration({
    config,
    runDir: join(root, runDir),
    models: [],
    benchmarkCacheDir: join(root, "bench-cache"),
  });
}

const meta = (id: string, text: string) => ({
  id,
  runId: "run-1",
  domain: "math",
  skill: "revenue",
  complexity: 3,
  level: "L4",
  text,
});

describe("curation gates", () => {
  test("paraphrases of an accepted question are rejected; unrelated questions pass", async () => {
    const curation = await open("run-a");
    expect((await curation.novelty.screen("r0", ACCEPTED)).novel).toBe(true);
    await curation.novelty.commit("r0", meta("s0", ACCEPTED));
    for (const [i, text] of PARAPHRASES.entries()) {
      const screen = await curation.novelty.screen(`p${i}`, text);
      expect(screen.novel, text).toBe(false);
      expect(screen.report).toMatchObject({ source: "store", nearestId: "s0" });
    }
    for (const [i, text] of UNRELATED.entries()) {
      const screen = await curation.novelty.screen(`u${i}`, text);
      expect(screen.novel, text).toBe(true);
      expect(screen.report.maxSimilarity).toBeLessThan(0.6);
    }
    await curation.close();
  });

  test("concurrent proposals of the same question are kept once", async () => {
    const curation = await open("run-b");
    const screens = await Promise.all([0, 1, 2, 3].map((i) => curation.novelty.screen(`r${i}`, ACCEPTED)));
    const winner = screens.findIndex((s) => s.novel);
    expect(screens.filter((s) => s.novel)).toHaveLength(1);
    await curation.novelty.commit(`r${winner}`, meta("s1", ACCEPTED));
    for (const [i] of screens.entries()) if (i !== winner) await curation.novelty.release(`r${i}`);
    expect(await curation.store.count()).toBe(1);
    expect((await curation.novelty.screen("late", PARAPHRASES[0] as string)).novel).toBe(false);
    await curation.close();
  });

  test("a reopened run keeps its questions and its embeddings", async () => {
    const first = await open("run-c");
    await first.novelty.screen("r0", ACCEPTED);
    await first.novelty.commit("r0", meta("s0", ACCEPTED));
    await first.close();

    const again = await open("run-c");
    expect(await again.store.count()).toBe(1);
    const screen = await again.novelty.screen("r1", ACCEPTED);
    expect(screen.report).toMatchObject({ source: "store", nearestId: "s0" });
    expect(again.embedder.stats().misses).toBe(0);
    await again.close();
  });

  test("decontamination shares the embedder and catches a GSM-Hard rewrite", async () => {
    const curation = await open("run-d");
    const hard =
      "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with 4933828. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?";
    const check = await curation.decontamination.check(hard);
    expect(check).toMatchObject({ contaminated: true, nearest: { file: benchmark, line: 1 } });
    await curation.novelty.screen("r0", hard);
    expect(curation.embedder.stats()).toMatchObject({ misses: 1, hits: 1 });
    await curation.close();
  });
});
