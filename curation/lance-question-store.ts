import { resolve } from "node:path";
import * as lancedb from "@lancedb/lancedb";
import { DataType, Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from "apache-arrow";
import { z } from "zod";
import { writableFolderProblem } from "../config/path-checks.ts";
import { SerialQueue } from "../core/serial-queue.ts";
import { type Logger, silentLogger } from "../log/logger.ts";
import { ConfigError, SystemError } from "../protocol/errors.ts";
import { nearestInMemory } from "./nearest-in-memory.ts";
import { assertDims, type Neighbour, type QuestionRow, type QuestionStore } from "./question-store.ts";

/**
 * Accepted questions in a LanceDB table. Rows are buffered and written in batches (every add makes a
 * fragment, and a table of many small fragments answers queries tens of times slower), compacted after each
 * write, and indexed (IVF with RaBitQ codes, cosine) once the table is large. Searches cover the buffer too.
 */

export interface LanceQuestionStoreOptions {
  /** LanceDB folder: inside the run folder, or shared across runs. */
  path: string;
  dims: number;
  /** Embedder name, recorded in the table so vectors from another model are never compared with these. */
  embedder: string;
  table?: string;
  /** Write when this many rows are buffered... */
  flushRows?: number;
  /** ...and at this interval, so no row waits in memory longer. */
  flushIntervalMs?: number;
  /** Build the vector index at this many rows; below it an exact scan is fast enough. */
  indexMinRows?: number;
  /** IVF partitions searched per query, and candidates re-ranked with exact vectors (k * refineFactor). */
  nprobes?: number;
  refineFactor?: number;
  /**
   * How stale, in seconds, a search may be about rows other processes wrote to a shared store (0: never).
   * This process's own rows are always seen.
   */
  readConsistencySeconds?: number;
  logger?: Logger;
}

const DEFAULTS = {
  table: "questions",
  flushRows: 64,
  flushIntervalMs: 2_000,
  indexMinRows: 5_000,
  nprobes: 40,
  refineFactor: 10,
  readConsistencySeconds: 1,
};
/** Rebuild the index when the table has grown this many times over, so partitions stay balanced. */
const INDEX_REBUILD_GROWTH = 4;
const EMBEDDER_KEY = "nanoflux.embedder";
const INDEX_PREFIX = "vector_ivf_rows_";

const SearchHit = z.object({ id: z.string(), text: z.string(), _distance: z.number() });

function questionSchema(dims: number, embedder: string): Schema {
  const text = (name: string) => new Field(name, new Utf8(), false);
  return new Schema(
    [
      text("id"),
      text("runId"),
      text("roundId"),
      text("domain"),
      text("skill"),
      new Field("complexity", new Int32(), false),
      text("level"),
      text("text"),
      new Field("vector", new FixedSizeList(dims, new Field("item", new Float32(), true)), false),
    ],
    new Map([[EMBEDDER_KEY, embedder]]),
  );
}

export class LanceQuestionStore implements QuestionStore {
  readonly dims: number;
  readonly #options: Required<Omit<LanceQuestionStoreOptions, "logger">> & { logger: Logger };
  readonly #schema: Schema;
  /** Rows not yet written, and rows being written: both searched in memory. */
  readonly #buffer = new Map<string, QuestionRow>();
  readonly #writing = new Map<string, QuestionRow>();
  readonly #writes = new SerialQueue();
  readonly #timer: NodeJS.Timeout;
  /** Row count the current index was built at (from its name), if there is one. */
  #indexedAt: number | undefined;
  #closed = false;

  private constructor(
    private readonly db: lancedb.Connection,
    private readonly table: lancedb.Table,
    options: LanceQuestionStoreOptions,
    indexedAt: number | undefined,
  ) {
    this.#options = { ...DEFAULTS, logger: silentLogger(), ...options };
    this.dims = options.dims;
    this.#schema = questionSchema(options.dims, options.embedder);
    this.#indexedAt = indexedAt;
    this.#timer = setInterval(() => this.#flushInBackground(), this.#options.flushIntervalMs);
    this.#timer.unref();
  }

  static async open(given: LanceQuestionStoreOptions): Promise<LanceQuestionStore> {
    // LanceDB panics in native code on some relative paths (more `..` than the working directory is deep).
    const options = { ...given, path: resolve(given.path) };
    const problem = await writableFolderProblem(options.path);
    if (problem)
      throw new ConfigError(
        `cannot open the question store: ${problem}; set curation.storePath (or run.outDir) to a folder you can write to`,
      );
    const name = options.table ?? DEFAULTS.table;
    let db: lancedb.Connection;
    let table: lancedb.Table;
    try {
      db = await lancedb.connect(options.path, {
        readConsistencyInterval: options.readConsistencySeconds ?? DEFAULTS.readConsistencySeconds,
      });
      table = (await db.tableNames()).includes(name)
        ? await db.openTable(name)
        : await db.createEmptyTable(name, questionSchema(options.dims, options.embedder));
    } catch (err) {
      throw new SystemError(`cannot open the question store at ${options.path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    await assertCompatible(table, options);
    const index = (await table.listIndices()).find((i) => i.name.startsWith(INDEX_PREFIX));
    const indexedAt = index ? Number(index.name.slice(INDEX_PREFIX.length)) : undefined;
    return new LanceQuestionStore(db, table, options, indexedAt);
  }

  async add(rows: readonly QuestionRow[]): Promise<void> {
    if (this.#closed) throw new SystemError("the question store is closed; open it again to add rows");
    assertDims(rows, this.dims);
    for (const row of rows) this.#buffer.set(row.id, row);
    if (this.#buffer.size >= this.#options.flushRows) await this.flush();
  }

  async nearest(vector: Float32Array, k: number): Promise<Neighbour[]> {
    // Snapshot memory first: a write finishing during the disk query then still shows up in one of the two.
    const inMemory = nearestInMemory([...this.#buffer.values(), ...this.#writing.values()], vector, k);
    const rows = await this.table
      .vectorSearch(vector)
      .distanceType("cosine")
      .nprobes(this.#options.nprobes)
      .refineFactor(this.#options.refineFactor)
      .select(["id", "text", "_distance"])
      .limit(k)
      .toArray();
    const onDisk = rows.map((row): Neighbour => {
      const hit = SearchHit.safeParse(row);
      if (!hit.success)
        throw new SystemError(`the question store returned a malformed row: ${hit.error.issues[0]?.message}`);
      // Cosine distance is 1 - similarity; rounding can push an exact match a hair past 1.
      return { id: hit.data.id, text: hit.data.text, similarity: Math.min(1, 1 - hit.data._distance) };
    });
    const byId = new Map<string, Neighbour>();
    for (const n of [...inMemory, ...onDisk]) if (!byId.has(n.id)) byId.set(n.id, n);
    return [...byId.values()].sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }

  /** Waits for pending writes, so the count is of distinct rows. */
  count(): Promise<number> {
    return this.#writes.run(async () => (await this.table.countRows()) + this.#buffer.size);
  }

  /** Writes buffered rows now, compacts, and builds or rebuilds the index when the table has grown. */
  flush(): Promise<void> {
    return this.#writes.run(async () => {
      if (this.#buffer.size === 0) return;
      for (const [id, row] of this.#buffer) this.#writing.set(id, row);
      this.#buffer.clear();
      try {
        const data = lancedb.makeArrowTable(
          [...this.#writing.values()].map((row) => ({ ...row, vector: Array.from(row.vector) })),
          { schema: this.#schema },
        );
        await this.table.mergeInsert("id").whenNotMatchedInsertAll().execute(data);
      } catch (err) {
        // Put the rows back (behind any newer version of the same id) so the next flush retries them.
        for (const [id, row] of this.#writing) if (!this.#buffer.has(id)) this.#buffer.set(id, row);
        throw new SystemError(
          `cannot write to the question store at ${this.#options.path}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      } finally {
        this.#writing.clear();
      }
      // The rows are safely written; compaction and indexing only speed up queries, so a failure there is logged.
      await this.#compactAndIndex().catch((err: unknown) => {
        this.#options.logger.warn(
          { err, path: this.#options.path },
          "question store compaction or indexing failed",
        );
      });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush();
    this.table.close();
    this.db.close();
  }

  #flushInBackground(): void {
    this.flush().catch((err: unknown) => {
      this.#options.logger.error(
        { err, path: this.#options.path },
        "question store write failed; will retry",
      );
    });
  }

  async #compactAndIndex(): Promise<void> {
    await this.table.optimize();
    const rows = await this.table.countRows();
    const due =
      this.#indexedAt === undefined
        ? rows >= this.#options.indexMinRows
        : rows >= this.#indexedAt * INDEX_REBUILD_GROWTH;
    if (!due) return;
    const previous = this.#indexedAt;
    const started = Date.now();
    await this.table.createIndex("vector", {
      name: `${INDEX_PREFIX}${rows}`,
      // About sqrt(rows) partitions balances picking partitions against scanning them.
      config: lancedb.Index.ivfRq({
        distanceType: "cosine",
        numPartitions: Math.max(1, Math.round(Math.sqrt(rows))),
      }),
      waitTimeoutSeconds: 3_600,
    });
    if (previous !== undefined) await this.table.dropIndex(`${INDEX_PREFIX}${previous}`);
    this.#indexedAt = rows;
    this.#options.logger.info({ rows, ms: Date.now() - started }, "question store vector index built");
  }
}

async function assertCompatible(table: lancedb.Table, options: LanceQuestionStoreOptions): Promise<void> {
  const schema = await table.schema();
  const vector = schema.fields.find((field) => field.name === "vector")?.type;
  const storedDims = vector && DataType.isFixedSizeList(vector) ? vector.listSize : undefined;
  const storedEmbedder = schema.metadata.get(EMBEDDER_KEY);
  if (storedDims !== options.dims || storedEmbedder !== options.embedder) {
    throw new ConfigError(
      `the question store at ${options.path} holds ${storedDims ?? "?"}-dim vectors from "${storedEmbedder ?? "?"}", ` +
        `but the embedder is "${options.embedder}" (${options.dims} dims); use the same embedder or another ` +
        "curation.storePath",
    );
  }
}
