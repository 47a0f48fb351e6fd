import type { ReviewBook } from "../curation/reviews.ts";
import { Level, type Verdict } from "../protocol/schemas.ts";
import { createPrng, type Prng } from "../tournament/prng.ts";
import type { Agreement, Kappa } from "./wire.ts";

/**
 * How far reviewers agree with the Judge, so a user learns how far to trust it. Each (reviewer, round) pair where
 * the round has a verdict and the reviewer an assessment is one rating by two raters.
 *
 * - Validity: Cohen's kappa over valid / invalid.
 * - Level: quadratic-weighted Cohen's kappa over L1..L5, counted only where the Judge found the question valid
 *   (only then has it a level) and the reviewer gave a level. Levels are ordered, so L4 against L5 costs a
 *   sixteenth of what L1 against L5 does; the page must call it "weighted kappa". With two categories the
 *   quadratic weights are plain Cohen's kappa, so one formula serves both.
 * - `observed` is the share of pairs that agree exactly, unweighted for levels too.
 * - `kappa` is null when either rater used one category throughout (no pairs at all, say): kappa is then 0 or
 *   undefined whatever the other rater did, and a 0 beside 98% agreement would read as "no better than chance"
 *   when it means "cannot tell".
 * - `ci95` is a 95% percentile bootstrap over the pairs, seeded so the page shows the same interval on every
 *   render. Resamples whose kappa is undefined are skipped; the interval is null under two pairs or when more
 *   than half the resamples are undefined, since the rest would then describe a biased selection. The pooled
 *   interval treats pairs as independent although reviewers of one round share its question, so it is a little
 *   narrow when several people review the same rounds.
 */
export function agreement(verdicts: ReadonlyMap<string, Verdict>, book: ReviewBook): Agreement {
  const pooled = emptyTables();
  const byReviewer = new Map<string, Tables>();
  for (const [roundId, reviewed] of book) {
    const verdict = verdicts.get(roundId);
    if (!verdict) continue;
    for (const [reviewer, assessment] of reviewed.assessments) {
      const own = byReviewer.get(reviewer) ?? emptyTables();
      byReviewer.set(reviewer, own);
      for (const tables of [pooled, own]) {
        count(tables.validity, Number(!verdict.valid), Number(!assessment.valid));
        // A level grades a valid question: only where both sides call it valid do their levels compare.
        if (verdict.valid && assessment.valid && assessment.level)
          count(tables.level, LEVELS.indexOf(verdict.level), LEVELS.indexOf(assessment.level));
      }
    }
  }
  return {
    validity: kappaReport(pooled.validity),
    level: kappaReport(pooled.level),
    reviewers: [...byReviewer.keys()].sort().map((reviewer) => {
      const own = byReviewer.get(reviewer) ?? emptyTables();
      return { reviewer, validity: kappaReport(own.validity), level: kappaReport(own.level) };
    }),
  };
}

const LEVELS: readonly Level[] = Level.options;
const RESAMPLES = 1000;
/** Fixed, so the same pairs always give the same interval and the page does not flicker between renders. */
const BOOTSTRAP_SEED = 0x6b617061;

/**
 * A square table of counts: cell `judge * size + reviewer` counts the pairs where the Judge said category
 * `judge` and the reviewer `reviewer`.
 */
interface Table {
  size: number;
  counts: number[];
}

interface Tables {
  validity: Table;
  level: Table;
}

function emptyTables(): Tables {
  return { validity: emptyTable(2), level: emptyTable(LEVELS.length) };
}

function emptyTable(size: number): Table {
  return { size, counts: new Array<number>(size * size).fill(0) };
}

function count(table: Table, judge: number, reviewer: number): void {
  const cell = judge * table.size + reviewer;
  table.counts[cell] = (table.counts[cell] ?? 0) + 1;
}

function kappaReport(table: Table): Kappa {
  const n = sum(table.counts);
  let agreeing = 0;
  for (let category = 0; category < table.size; category++)
    agreeing += table.counts[category * table.size + category] ?? 0;
  return {
    n,
    observed: n === 0 ? null : agreeing / n,
    kappa: weightedKappa(table.counts, table.size),
    ci95: n < 2 ? null : memoisedInterval(table),
  };
}

/**
 * Quadratic-weighted kappa, 1 - (observed disagreement / disagreement expected from the raters' marginals), in
 * integer counts so "nothing expected" is an exact zero rather than a rounding accident.
 */
function weightedKappa(counts: ArrayLike<number>, size: number): number | null {
  const judge = new Array<number>(size).fill(0);
  const reviewer = new Array<number>(size).fill(0);
  let n = 0;
  let observed = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const pairs = counts[i * size + j] ?? 0;
      judge[i] = (judge[i] ?? 0) + pairs;
      reviewer[j] = (reviewer[j] ?? 0) + pairs;
      n += pairs;
      observed += pairs * (i - j) ** 2;
    }
  }
  if (usedCategories(judge) < 2 || usedCategories(reviewer) < 2) return null;
  let expected = 0;
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) expected += (judge[i] ?? 0) * (reviewer[j] ?? 0) * (i - j) ** 2;
  return 1 - (n * observed) / expected;
}

/**
 * The dashboard rebuilds its snapshot several times a second, and a bootstrap over a thousand pairs takes tens of
 * milliseconds, while the tables change only when someone reviews. An interval depends on its table's counts
 * alone, so the most recently used ones are kept by counts: a rebuild recomputes only the tables a review changed.
 */
const intervals = new Map<string, [number, number] | null>();
const REMEMBERED_INTERVALS = 1024;

function memoisedInterval(table: Table): [number, number] | null {
  const key = `${table.size}:${table.counts.join(",")}`;
  const interval = intervals.has(key) ? (intervals.get(key) ?? null) : bootstrapInterval(table);
  // Inserted again, so the map's first key is always the one used longest ago.
  intervals.delete(key);
  intervals.set(key, interval);
  const oldest = intervals.keys().next().value;
  if (intervals.size > REMEMBERED_INTERVALS && oldest !== undefined) intervals.delete(oldest);
  return interval;
}

function usedCategories(marginal: readonly number[]): number {
  return marginal.filter((pairs) => pairs > 0).length;
}

/**
 * Resamples the pairs with replacement. Each pair is only its cell, so a resample is a multinomial draw of n
 * pairs over the table's cells at their observed shares: the interval depends on the counts alone, and each
 * resample costs the number of cells, not of pairs (a run with tens of thousands of assessments stays cheap).
 */
function bootstrapInterval(table: Table): [number, number] | null {
  const n = sum(table.counts);
  const prng = createPrng(BOOTSTRAP_SEED);
  const resampled = new Int32Array(table.counts.length);
  const kappas: number[] = [];
  for (let resample = 0; resample < RESAMPLES; resample++) {
    multinomial(n, table.counts, prng, resampled);
    const kappa = weightedKappa(resampled, table.size);
    if (kappa !== null) kappas.push(kappa);
  }
  if (kappas.length < RESAMPLES / 2) return null;
  kappas.sort((a, b) => a - b);
  return [quantile(kappas, 0.025), quantile(kappas, 0.975)];
}

/** Draws n items over cells with the given weights into `into`: one conditional binomial per cell. */
function multinomial(n: number, weights: readonly number[], prng: Prng, into: Int32Array): void {
  let left = n;
  let weightLeft = sum(weights);
  weights.forEach((weight, cell) => {
    const drawn = weightLeft <= 0 ? 0 : binomial(left, weight / weightLeft, prng);
    into[cell] = drawn;
    left -= drawn;
    weightLeft -= weight;
  });
}

/** Below this many trials each is drawn; above it the binomial is approximated. */
const EXACT_TRIALS = 64;
/** Expected counts under this are drawn from the Poisson approximation, above it from the normal one. */
const POISSON_MEAN = 10;

function binomial(trials: number, p: number, prng: Prng): number {
  if (trials <= 0 || p <= 0) return 0;
  if (p >= 1) return trials;
  if (trials < EXACT_TRIALS) {
    let successes = 0;
    for (let i = 0; i < trials; i++) if (prng.next() < p) successes++;
    return successes;
  }
  if (trials * p < POISSON_MEAN) return Math.min(trials, poisson(trials * p, prng));
  if (trials * (1 - p) < POISSON_MEAN) return trials - Math.min(trials, poisson(trials * (1 - p), prng));
  const drawn = Math.round(trials * p + Math.sqrt(trials * p * (1 - p)) * standardNormal(prng));
  return Math.min(trials, Math.max(0, drawn));
}

/** Knuth's multiplication method: fine for the small means it is used for. */
function poisson(mean: number, prng: Prng): number {
  const limit = Math.exp(-mean);
  let product = prng.next();
  let count = 0;
  while (product > limit) {
    product *= prng.next();
    count++;
  }
  return count;
}

/** Box-Muller. */
function standardNormal(prng: Prng): number {
  const u = 1 - prng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * prng.next());
}

/** Linear interpolation between the order statistics around `share` of a sorted, non-empty list. */
function quantile(sorted: readonly number[], share: number): number {
  const position = (sorted.length - 1) * share;
  const below = sorted[Math.floor(position)] ?? 0;
  const above = sorted[Math.ceil(position)] ?? below;
  return below + (above - below) * (position - Math.floor(position));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
