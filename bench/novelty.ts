/**
 * Novelty-check latency with a large question store: real LanceDB in a temp folder, random unit vectors as
 * stored questions (vector index built as in a run), and the full gate (check-and-reserve, then release).
 * Also measures recall of planted near-duplicates, since the index is approximate.
 *
 *   node bin/run-ts.mjs bench/novelty.ts [rows...]      (default: 10000 100000)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Embedder } from "../curation/embedder.ts";
import { LanceQuestionStore } from "../curation/lance-question-store.ts";
import { NoveltyGate } from "../curation/novelty.ts";
import type { QuestionRow } from "../curation/question-store.ts";
import { l2Normalise } from "../curation/vectors.ts";

const DIMS = 512;
const LOAD_BATCH = 10_000;
const WARMUP = 50;
const QUERIES = 1_000;
const PLANTED = 200;
/** Cosine similarity of a planted near-duplicate to its stored twin. */
const PLANTED_SIMILARITY = 0.92;

/** Seeded PRNG (mulberry32) so runs compare. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function unitVector(rand: () => number): Float32Array {
  // Sum of uniforms is close enough to Gaussian for a direction uniform on the sphere at 512 dims.
  return l2Normalise(Array.from({ length: DIMS }, () => rand() + rand() + rand() - 1.5));
}

/** A unit vector at cosine `similarity` to `base`. */
function near(base: Float32Array, similarity: number, rand: () => number): Float32Array {
  const noise = unitVector(rand);
  let along = 0;
  for (let i = 0; i < DIMS; i++) along += (noise[i] as number) * (base[i] as number);
  const orthogonal = l2Normalise(noise.map((x, i) => x - along * (base[i] as number)));
  const side = Math.sqrt(1 - similarity * similarity);
  return l2Normalise(base.map((x, i) => similarity * x + side * (orthogonal[i] as number)));
}

/** The gate embeds text; here each "text" is the key of a prepared vector. */
class PreparedVectors implements Embedder {
  readonly name = "bench-random";
  readonly dims = DIMS;
  readonly vectors = new Map<string, Float32Array>();
  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.vectors.get(t) as Float32Array);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

async function measure(rows: number): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), "nf-bench-novelty-"));
  const rand = random(rows);
  const store = await LanceQuestionStore.open({
    path: dir,
    dims: DIMS,
    embedder: "bench-random",
    flushRows: LOAD_BATCH,
  });
  const twins: { id: string; vector: Float32Array }[] = [];
  const loadStart = performance.now();
  for (let start = 0; start < rows; start += LOAD_BATCH) {
    const batch: QuestionRow[] = [];
    for (let i = start; i < Math.min(rows, start + LOAD_BATCH); i++) {
      const vector = unitVector(rand);
      if (i % Math.floor(rows / PLANTED) === 0 && twins.length < PLANTED) twins.push({ id: `q${i}`, vector });
      batch.push({
        id: `q${i}`,
        runId: "bench",
        roundId: `r${i}`,
        domain: "math",
        skill: "s",
        complexity: 3,
        level: "L4",
        text: `question ${i}`,
        vector,
      });
    }
    await store.add(batch);
  }
  await store.flush();
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const embedder = new PreparedVectors();
  const gate = new NoveltyGate({ embedder, store, threshold: 0.88 });
  const probes = Array.from({ length: WARMUP + QUERIES }, (_, i) => {
    embedder.vectors.set(`probe ${i}`, unitVector(rand));
    return `probe ${i}`;
  });
  const latencies: number[] = [];
  for (const [i, text] of probes.entries()) {
    const started = performance.now();
    await gate.screen(`round ${i}`, text);
    if (i >= WARMUP) latencies.push(performance.now() - started);
    await gate.release(`round ${i}`);
  }
  latencies.sort((a, b) => a - b);

  let found = 0;
  for (const [i, twin] of twins.entries()) {
    embedder.vectors.set(`twin ${i}`, near(twin.vector, PLANTED_SIMILARITY, rand));
    const screen = await gate.screen(`twin round ${i}`, `twin ${i}`);
    if (!screen.novel && screen.report.nearestId === twin.id) found++;
  }
  const count = await store.count();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return {
    rows: count,
    loadSeconds: Number(loadSeconds.toFixed(1)),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
    meanMs: Number((latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(2)),
    plantedRecall: `${found}/${twins.length}`,
  };
}

const sizes = process.argv.slice(2).map(Number);
for (const rows of sizes.length > 0 ? sizes : [10_000, 100_000]) {
  console.log(JSON.stringify(await measure(rows)));
}
