/**
 * Runs async tasks one at a time in call order. The novelty gate needs its check-and-reserve to be atomic,
 * and the in-process embedding model is fastest when its calls do not interleave.
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    // The caller sees a failure through `result`; the chain only needs to know the task settled.
    this.#tail = result.then(settled, settled);
    return result;
  }
}

function settled(): void {}
