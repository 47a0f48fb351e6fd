import { ConfigError } from "../protocol/errors.ts";

/**
 * The store of accepted questions the novelty gate compares against. Adapters: LanceDB on disk
 * (lance-question-store.ts) and memory (memory-question-store.ts); test/curation/question-store-spec.ts
 * holds the behaviour both must show.
 */

export interface QuestionRow {
  /** Sample id; adding a row whose id is stored already changes nothing, so a redelivered commit is harmless. */
  id: string;
  runId: string;
  roundId: string;
  domain: string;
  skill: string;
  complexity: number;
  level: string;
  text: string;
  /** L2-normalised embedding of `text`. */
  vector: Float32Array;
}

export interface Neighbour {
  id: string;
  text: string;
  /** Cosine similarity, -1..1. */
  similarity: number;
}

export interface QuestionStore {
  readonly dims: number;
  add(rows: readonly QuestionRow[]): Promise<void>;
  /** The k most similar stored questions, most similar first; rows not yet written to disk included. */
  nearest(vector: Float32Array, k: number): Promise<Neighbour[]>;
  count(): Promise<number>;
  /** Writes what is buffered and releases the store. */
  close(): Promise<void>;
}

export function assertDims(rows: readonly { id: string; vector: Float32Array }[], dims: number): void {
  const wrong = rows.find((row) => row.vector.length !== dims);
  if (wrong) {
    throw new ConfigError(
      `question ${wrong.id} has a ${wrong.vector.length}-dim vector but the store holds ${dims}-dim vectors; ` +
        "use the embedder the store was built with, or another storePath",
    );
  }
}
