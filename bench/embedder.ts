/**
 * Throughput of the default, offline embedder (Universal Sentence Encoder lite on the WASM backend), on
 * real GSM8K questions and on short sentences, plus cold start and cache-hit throughput.
 *
 *   node bin/run-ts.mjs bench/embedder.ts [questions]      (default: 256)
 */

import { loadBenchmarkFile } from "../curation/benchmark-files.ts";
import { CachedEmbedder } from "../curation/embedders/cached-embedder.ts";
import { createLocalEmbedder } from "../curation/embedders/local-use.ts";

const count = Number(process.argv[2] ?? 256);
const questions = (await loadBenchmarkFile("gsm8k")).questions.slice(0, count).map((q) => q.text);
const words = (texts: string[]) => texts.reduce((n, t) => n + t.split(/\s+/).length, 0) / texts.length;

const embedder = createLocalEmbedder();
const coldStart = performance.now();
await embedder.embed(["warm up the model"]);
const coldStartMs = performance.now() - coldStart;

async function perSecond(texts: string[], embed: (t: string[]) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await embed(texts);
  return texts.length / ((performance.now() - started) / 1000);
}

const shortSentences = questions.map((q) => q.split(/\s+/).slice(0, 10).join(" "));
const cached = await CachedEmbedder.open(embedder);
await cached.embed(questions);
const results = {
  coldStartMs: Math.round(coldStartMs),
  gsm8kQuestions: { count, meanWords: Number(words(questions).toFixed(1)), perSecond: 0 },
  shortSentences: { count, meanWords: Number(words(shortSentences).toFixed(1)), perSecond: 0 },
  cacheHitsPerSecond: 0,
};
results.gsm8kQuestions.perSecond = Number((await perSecond(questions, (t) => embedder.embed(t))).toFixed(1));
results.shortSentences.perSecond = Number(
  (await perSecond(shortSentences, (t) => embedder.embed(t))).toFixed(1),
);
results.cacheHitsPerSecond = Math.round(await perSecond(questions, (t) => cached.embed(t)));
console.log(JSON.stringify(results));
