import type { ReviewBook } from "../curation/reviews.ts";
import { Level, type Verdict } from "../protocol/schemas.ts";
import { createPrng } from "../tournament/prng.ts";
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
 * - `kappa` is null when no disagreement is expected by chance: no pairs, or both raters used one and the same
 *   category throughout, where agreement says nothing about skill.
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
        if (verdict.valid && assessment.level)
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
  let expected = 0;
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++) expected += (judge[i] ?? 0) * (reviewer[j] ?? 0) * (i - j) ** 2;
  if (expected === 0) return null;
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

/**
 * Resamples the pairs with replacement. Each pair is only its cell, so a resample draws cells from the table
 * spread out one entry per pair: the interval depends on the counts alone, not on the order of rounds.
 */
function bootstrapInterval(table: Table): [number, number] | null {
  const cells = Uint8Array.from(table.counts.flatMap((pairs, cell) => new Array<number>(pairs).fill(cell)));
  const n = cells.length;
  const prng = createPrng(BOOTSTRAP_SEED);
  const resampled = new Int32Array(table.counts.length);
  const kappas: number[] = [];
  for (let resample = 0; resample < RESAMPLES; resample++) {
    resampled.fill(0);
    for (let draw = 0; draw < n; draw++) {
      const cell = cells[prng.int(n)] ?? 0;
      resampled[cell] = (resampled[cell] ?? 0) + 1;
    }
    const kappa = weightedKappa(resampled, table.size);
    if (kappa !== null) kappas.push(kappa);
  }
  if (kappas.length < RESAMPLES / 2) return null;
  kappas.sort((a, b) => a - b);
  return [quantile(kappas, 0.025), quantile(kappas, 0.975)];
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
