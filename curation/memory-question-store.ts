import { nearestInMemory } from "./nearest-in-memory.ts";
import { assertDims, type Neighbour, type QuestionRow, type QuestionStore } from "./question-store.ts";

/** A question store in memory: for tests and short runs that need no history across processes. */
export class MemoryQuestionStore implements QuestionStore {
  readonly #rows = new Map<string, QuestionRow>();

  constructor(readonly dims: number) {}

  async add(rows: readonly QuestionRow[]): Promise<void> {
    assertDims(rows, this.dims);
    for (const row of rows) if (!this.#rows.has(row.id)) this.#rows.set(row.id, row);
  }

  async nearest(vector: Float32Array, k: number): Promise<Neighbour[]> {
    return nearestInMemory(this.#rows.values(), vector, k);
  }

  async count(): Promise<number> {
    return this.#rows.size;
  }

  async close(): Promise<void> {}
}
