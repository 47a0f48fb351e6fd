import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import * as lancedb from "@lancedb/lancedb";
import type { CurationConfig } from "../config/topology.ts";
import type { LineProblem } from "../eval/benchmarks.ts";
import { type Logger, silentLogger } from "../log/logger.ts";
import { SystemError } from "../protocol/errors.ts";
import type {
  BenchmarkRef,
  ContaminationCheck,
  DecontaminationIndex,
  NoveltyReport,
} from "../protocol/schemas.ts";
import { type BenchmarkQuestion, loadBenchmarkFile } from "./benchmark-files.ts";
import { BenchmarkVectors } from "./benchmark-vectors.ts";
import type { Embedder } from "./embedder.ts";
import { NgramIndex } from "./ngrams.ts";

/**
 * Keeps evaluation items out of the dataset: a question is contaminated when its embedding is too close to a
 * benchmark question's, or when it shares too many word n-grams (numbers normalised) with one.
 */

/** A question's check, as every round carries it, with one sentence for the close reason and the logs. */
export interface ContaminationResult extends ContaminationCheck {
  reason: string;
}

export type { BenchmarkRef };

export interface DecontaminatorOptions {
  config: CurationConfig["decontamination"];
  /** Embeds the questions checked (share the novelty gate's cached embedder so each is embedded once). */
  embedder: Embedder;
  /** Embeds benchmark items on a cache miss; default `embedder`. Pass an uncached one to keep run caches small. */
  benchmarkEmbedder?: Embedder;
  /** Folder of the benchmark vector cache, shared by runs. */
  cacheDir: string;
  /** Where benchmark names (gsm8k, ...) are looked up. */
  benchmarksDir?: string;
  logger?: Logger;
}

export class Decontaminator {
  private constructor(
    private readonly options: DecontaminatorOptions,
    private readonly db: lancedb.Connection | undefined,
    private readonly vectors: BenchmarkVectors[],
    private readonly questions: BenchmarkQuestion[],
    private readonly ngrams: NgramIndex,
    private readonly benchmarks: DecontaminationIndex["benchmarks"],
    /** Malformed benchmark lines, skipped, with file and line. */
    readonly problems: LineProblem[],
  ) {}

  static async open(options: DecontaminatorOptions): Promise<Decontaminator> {
    const logger = options.logger ?? silentLogger();
    const files = await Promise.all(
      options.config.benchmarks.map((ref) => loadBenchmarkFile(ref, options.benchmarksDir)),
    );
    const problems = files.flatMap((f) => f.problems);
    for (const problem of problems.slice(0, 20)) logger.warn(problem, "skipping malformed benchmark line");
    const ngrams = new NgramIndex(options.config.ngramSize);
    const questions = files.flatMap((f) => f.questions);
    for (const question of questions) ngrams.add(question.text);
    const benchmarks = files.map((f) => ({
      file: f.file,
      items: f.questions.length,
      malformedLines: f.problems.length,
    }));
    const withItems = files.filter((f) => f.questions.length > 0);
    if (withItems.length === 0)
      return new Decontaminator(options, undefined, [], questions, ngrams, benchmarks, problems);

    let db: lancedb.Connection;
    try {
      // Absolute: LanceDB panics in native code on some relative paths.
      const cacheDir = resolve(options.cacheDir);
      await mkdir(cacheDir, { recursive: true });
      db = await lancedb.connect(cacheDir);
    } catch (err) {
      throw new SystemError(
        `cannot open the benchmark vector cache at ${options.cacheDir}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const embedder = options.benchmarkEmbedder ?? options.embedder;
    const vectors: BenchmarkVectors[] = [];
    // One at a time: the embedding model runs one batch at a time anyway.
    for (const file of withItems) vectors.push(await BenchmarkVectors.open(db, file, embedder, logger));
    return new Decontaminator(options, db, vectors, questions, ngrams, benchmarks, problems);
  }

  async check(text: string): Promise<ContaminationResult> {
    const { similarityThreshold, ngramOverlap: overlapLimit } = this.options.config;
    const [vector] = await this.options.embedder.embed([text]);
    const hits = await Promise.all(this.vectors.map((v) => v.nearest(vector as Float32Array)));
    const byEmbedding = hits.reduce(
      (best, hit) => (hit && (!best || hit.similarity > best.similarity) ? hit : best),
      undefined,
    );
    const byNgrams = this.ngrams.best(text);
    const similarity = byEmbedding?.similarity ?? 0;
    const ngramOverlap = byNgrams?.overlap ?? 0;
    const contaminated = similarity >= similarityThreshold || ngramOverlap >= overlapLimit;
    const ngramItem = byNgrams && this.questions[byNgrams.item];
    const source = ngramOverlap >= overlapLimit ? ngramItem : (byEmbedding ?? ngramItem);
    const nearest = source && { file: source.file, line: source.line, text: source.text };
    return {
      contaminated,
      similarity,
      ngramOverlap,
      ...(nearest ? { nearest } : {}),
      reason: describe(contaminated, similarity, ngramOverlap, nearest),
    };
  }

  /** The benchmarks and limits questions are checked against: announced on the bus when a curator starts. */
  index(): DecontaminationIndex {
    const { similarityThreshold, ngramSize, ngramOverlap } = this.options.config;
    return { benchmarks: this.benchmarks, similarityThreshold, ngramSize, ngramOverlap };
  }

  close(): void {
    for (const v of this.vectors) v.close();
    this.db?.close();
  }
}

function describe(
  contaminated: boolean,
  similarity: number,
  overlap: number,
  nearest: BenchmarkRef | undefined,
): string {
  const scores = `embedding similarity ${similarity.toFixed(3)}, n-gram overlap ${overlap.toFixed(2)}`;
  if (!nearest) return `clean: no benchmark items to compare with`;
  const where = `${nearest.file} line ${nearest.line}`;
  return contaminated
    ? `contaminated: resembles ${where} (${scores})`
    : `clean: nearest benchmark item is ${where} (${scores})`;
}

/** The check as the round's novelty report, for a question rejected as contaminated. */
export function contaminationNovelty(result: ContaminationResult): NoveltyReport {
  return {
    maxSimilarity: result.similarity,
    nearestId: result.nearest && `${result.nearest.file}:${result.nearest.line}`,
    nearestText: result.nearest?.text,
    source: "benchmark",
    contamination: checkOf(result),
  };
}

/** The check without its sentence: what the round carries. */
export function checkOf({ reason: _, ...check }: ContaminationResult): ContaminationCheck {
  return check;
}
