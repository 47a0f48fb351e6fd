import { createHash } from "node:crypto";
import * as lancedb from "@lancedb/lancedb";
import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from "apache-arrow";
import { z } from "zod";
import type { Logger } from "../log/logger.ts";
import { SystemError } from "../protocol/errors.ts";
import type { BenchmarkFile, BenchmarkQuestion } from "./benchmark-files.ts";
import type { Embedder } from "./embedder.ts";

/**
 * Embeddings of a benchmark's questions, computed once and kept in a LanceDB table named after the file's
 * hash and the embedder, so later runs open them instead of re-embedding thousands of items. Searched exactly
 * (no index): a benchmark holds a few thousand items.
 */

const EMBED_CHUNK = 64;
const Hit = z.object({ line: z.number().int(), text: z.string(), _distance: z.number() });

export interface BenchmarkHit extends BenchmarkQuestion {
  similarity: number;
}

function schema(dims: number): Schema {
  return new Schema([
    new Field("line", new Int32(), false),
    new Field("text", new Utf8(), false),
    new Field("vector", new FixedSizeList(dims, new Field("item", new Float32(), true)), false),
  ]);
}

export class BenchmarkVectors {
  private constructor(
    private readonly file: string,
    private readonly table: lancedb.Table,
  ) {}

  /** Opens the cached vectors of `benchmark`, embedding and storing them first when none are cached. */
  static async open(
    db: lancedb.Connection,
    benchmark: BenchmarkFile,
    embedder: Embedder,
    logger: Logger,
  ): Promise<BenchmarkVectors> {
    const name = `bench_${createHash("sha256").update(`${embedder.name}\n${benchmark.sha256}`).digest("hex").slice(0, 32)}`;
    const expected = benchmark.questions.length;
    if ((await db.tableNames()).includes(name)) {
      const table = await db.openTable(name);
      if ((await table.countRows()) === expected) return new BenchmarkVectors(benchmark.file, table);
      table.close();
    }
    logger.info(
      { benchmark: benchmark.file, items: expected, embedder: embedder.name },
      "embedding benchmark for decontamination (cached afterwards)",
    );
    const rows: { line: number; text: string; vector: number[] }[] = [];
    for (let start = 0; start < expected; start += EMBED_CHUNK) {
      const chunk = benchmark.questions.slice(start, start + EMBED_CHUNK);
      const vectors = await embedder.embed(chunk.map((q) => q.text));
      chunk.forEach((q, i) => {
        rows.push({ line: q.line, text: q.text, vector: Array.from(vectors[i] as Float32Array) });
      });
      logger.debug(
        { benchmark: benchmark.file, done: rows.length, of: expected },
        "benchmark embedding progress",
      );
    }
    const data = lancedb.makeArrowTable(rows, { schema: schema(embedder.dims) });
    const table = await db.createTable(name, data, { mode: "overwrite" });
    return new BenchmarkVectors(benchmark.file, table);
  }

  async nearest(vector: Float32Array): Promise<BenchmarkHit | undefined> {
    const [row] = await this.table
      .vectorSearch(vector)
      .distanceType("cosine")
      .select(["line", "text", "_distance"])
      .limit(1)
      .toArray();
    if (row === undefined) return undefined;
    const hit = Hit.safeParse(row);
    if (!hit.success)
      throw new SystemError(
        `the benchmark vector cache for ${this.file} returned a malformed row; delete the cache folder`,
      );
    return {
      file: this.file,
      line: hit.data.line,
      text: hit.data.text,
      similarity: Math.min(1, 1 - hit.data._distance),
    };
  }

  close(): void {
    this.table.close();
  }
}
