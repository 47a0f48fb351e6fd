import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DecontaminationConfig } from "../../config/topology.ts";
import { type BenchmarkQuestion, loadBenchmarkFile } from "../../curation/benchmark-files.ts";
import { Decontaminator } from "../../curation/decontamination.ts";
import { CachedEmbedder } from "../../curation/embedders/cached-embedder.ts";
import { createLocalEmbedder } from "../../curation/embedders/local-use.ts";
import { normalisedWords } from "../../curation/ngrams.ts";
import { defaultBenchmarksDir } from "../../eval/benchmarks.ts";
import { BagOfWordsEmbedder } from "./support/bag-of-words.ts";

const GSM8K_LINES = 40;
const GSMHARD_LINES = 20;

let dir: string;
let gsm8kSubset: string;
let gsmHard: BenchmarkQuestion[];

/** The first `count` lines of a shared benchmark file. */
async function head(name: string, count: number): Promise<string[]> {
  const text = await readFile(join(defaultBenchmarksDir(), name), "utf8");
  return text.split("\n").slice(0, count);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nf-decon-"));
  gsm8kSubset = join(dir, "gsm8k-head.jsonl");
  await writeFile(gsm8kSubset, `${(await head("gsm8k-test.jsonl", GSM8K_LINES)).join("\n")}\n`);
  const gsmHardSubset = join(dir, "gsmhard-head.jsonl");
  await writeFile(gsmHardSubset, `${(await head("gsmhard.jsonl", GSMHARD_LINES)).join("\n")}\n`);
  gsmHard = (await loadBenchmarkFile(gsmHardSubset)).questions;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(benchmarks: string[]) {
  return DecontaminationConfig.parse({ benchmarks });
}

describe("Decontaminator on GSM8K", () => {
  test("catches GSM-Hard items (GSM8K with other numbers) and passes new questions", async () => {
    const decon = await Decontaminator.open({
      config: config([gsm8kSubset]),
      embedder: createLocalEmbedder(),
      cacheDir: join(dir, "cache-local"),
    });
    for (const hard of gsmHard) {
      const check = await decon.check(hard.text);
      expect(check.contaminated, `GSM-Hard line ${hard.line}`).toBe(true);
      expect(check.ngramOverlap).toBeGreaterThanOrEqual(0.5);
      expect(normalisedWords(check.nearest?.text ?? "")).toEqual(normalisedWords(hard.text));
      expect(check.nearest?.file).toBe(gsm8kSubset);
    }
    const fresh = [
      "A cyclist rides 18 km at 12 km/h, rests 20 minutes, then rides 10 km at 15 km/h. How long does the trip take?",
      "A tank holds 450 litres. Pipe A fills it in 6 hours and pipe B empties it in 9 hours. How long to fill it with both open?",
    ];
    for (const text of fresh) {
      const check = await decon.check(text);
      expect(check.contaminated, text).toBe(false);
      expect(check.similarity).toBeLessThan(0.9);
      expect(check.reason).toMatch(/^clean: nearest benchmark item is .*gsm8k-head\.jsonl line \d+/);
    }
    expect(decon.index().benchmarks).toEqual([{ file: gsm8kSubset, items: GSM8K_LINES, malformedLines: 0 }]);
    decon.close();
  });

  test("catches a reworded benchmark question by embedding similarity alone", async () => {
    const embedder = await CachedEmbedder.open(createLocalEmbedder());
    const decon = await Decontaminator.open({
      config: config([gsm8kSubset]),
      embedder,
      cacheDir: join(dir, "cache-local"),
    });
    const reworded =
      "Janet's ducks lay 16 eggs a day. Every morning she eats three for breakfast and uses four to bake muffins for her friends. She sells the rest at the farmers' market for $2 each. How many dollars does she make daily at the market?";
    const check = await decon.check(reworded);
    expect(check.ngramOverlap).toBeLessThan(0.5);
    expect(check.similarity).toBeGreaterThanOrEqual(0.9);
    expect(check).toMatchObject({ contaminated: true, nearest: { line: 1 } });
    decon.close();
  });
});

describe("Decontaminator cache", () => {
  test("embeds a benchmark once; later opens read the vectors from the cache folder", async () => {
    const cacheDir = join(dir, "cache-bow");
    const first = new BagOfWordsEmbedder();
    (await Decontaminator.open({ config: config([gsm8kSubset]), embedder: first, cacheDir })).close();
    expect(first.embeddedTexts).toHaveLength(GSM8K_LINES);

    const second = new BagOfWordsEmbedder();
    const decon = await Decontaminator.open({ config: config([gsm8kSubset]), embedder: second, cacheDir });
    expect(second.calls).toEqual([]);
    expect((await decon.check(gsmHard[1]?.text ?? "")).nearest?.line).toBe(2);
    decon.close();
  });

  test("skips malformed benchmark lines and reports them", async () => {
    const broken = join(dir, "broken.jsonl");
    await writeFile(broken, `{"input": "What is 2 + 2?", "target": 4}\nnot json\n{"input": 5}\n`);
    const decon = await Decontaminator.open({
      config: config([broken]),
      embedder: new BagOfWordsEmbedder(),
      cacheDir: join(dir, "cache-bow"),
    });
    expect(decon.problems.map((p) => `${p.file}:${p.line}`)).toEqual([`${broken}:2`, `${broken}:3`]);
    expect(decon.index().benchmarks).toEqual([{ file: broken, items: 1, malformedLines: 2 }]);
    expect((await decon.check("What is 2 + 2?")).contaminated).toBe(true);
    decon.close();
  });
});
