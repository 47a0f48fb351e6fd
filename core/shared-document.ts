import { SerialQueue } from "./serial-queue.ts";

/**
 * A JSON document that replicas change together with compare-and-set. On NATS it is an entry of the run's KV
 * bucket (bus/kv-document.ts); `MemoryDocument` is the same contract inside one process.
 */

/**
 * Looks at the document and says what to write instead (nothing, when it is fine as it is) and what to answer.
 * It may be async (it may look things up first); a change that lost the race to another writer runs again on
 * the newer document, so it must be free of side effects.
 */
export type DocumentChange<T, R> = (
  current: T,
) => DocumentChangeResult<T, R> | Promise<DocumentChangeResult<T, R>>;

export interface DocumentChangeResult<T, R> {
  next?: T;
  result: R;
}

export interface SharedDocument<T> {
  read(): Promise<T>;
  /** `change` sees the current document and says what to write instead (if anything) and what to answer. */
  change<R>(change: DocumentChange<T, R>): Promise<R>;
}

/** A shared document for one process: changes run one at a time, so none can lose a race. */
export class MemoryDocument<T> implements SharedDocument<T> {
  readonly #queue = new SerialQueue();

  constructor(private value: T) {}

  async read(): Promise<T> {
    return this.value;
  }

  change<R>(change: DocumentChange<T, R>): Promise<R> {
    return this.#queue.run(async () => {
      const { next, result } = await change(this.value);
      if (next !== undefined) this.value = next;
      return result;
    });
  }
}
