/**
 * Hands values from a producer that cannot wait (the run's event follower) to one async reader, in order. The
 * buffer holds what the reader has not taken yet; it ends when the producer ends, with the producer's error if
 * it failed, and a reader that leaves early (`break` in `for await`) drops the rest.
 */
export class EventChannel<T> implements AsyncIterableIterator<T> {
  private buffer: Array<IteratorYieldResult<T>> = [];
  private readonly readers: Array<{
    resolve: (result: IteratorResult<T>) => void;
    reject: (err: unknown) => void;
  }> = [];
  private ended = false;
  private failure: { error: unknown } | undefined;

  push(value: T): void {
    if (this.ended) return;
    const item = { value, done: false as const };
    const reader = this.readers.shift();
    if (reader) reader.resolve(item);
    else this.buffer.push(item);
  }

  /** No more values; readers get what is buffered, then the end (or `error`, once). */
  end(error?: { error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    for (const reader of this.readers.splice(0)) {
      if (this.failure) reader.reject(this.takeFailure());
      else reader.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.buffer.shift();
    if (item) return Promise.resolve(item);
    if (this.ended)
      return this.failure
        ? Promise.reject(this.takeFailure())
        : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer = [];
    this.failure = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** The producer's error, reported to one reader; later reads see a plain end. */
  private takeFailure(): unknown {
    const { error } = this.failure ?? {};
    this.failure = undefined;
    return error;
  }
}
