import { SystemError } from "../../protocol/errors.ts";
import { makeInterpreterImage } from "./interpreter-image.ts";
import { SandboxWorker } from "./worker-handle.ts";
import type { InterpreterImage, WorkerLimits } from "./worker-protocol.ts";

export interface WorkerPoolSettings {
  limits: WorkerLimits;
  /** Ready workers kept waiting for calls. */
  spares: number;
  startTimeoutMs: number;
}

type Handover = (worker: SandboxWorker | SystemError) => void;

/**
 * Supplies ready sandbox workers, each for one call. A few spares are kept started, and every worker taken is
 * replaced in the background, so a call rarely waits for a start and a killed call delays no one.
 */
export class WorkerPool {
  private image: Promise<InterpreterImage> | undefined;
  private readonly ready: SandboxWorker[] = [];
  private readonly waiting: Handover[] = [];
  private starting = 0;
  /** Starts in progress; each resolves to the reason it failed, if it did. */
  private readonly starts = new Set<Promise<SystemError | undefined>>();
  /** Every worker started and not yet terminated, spares and those serving a call. */
  private readonly live = new Set<SandboxWorker>();
  private readonly closing = new AbortController();

  constructor(private readonly settings: WorkerPoolSettings) {}

  /** Boots the interpreter image and resolves once the spares are ready; rejects if either fails. */
  async fill(): Promise<void> {
    await this.loadImage();
    this.topUp();
    const failure = (await Promise.all(this.starts)).find((outcome) => outcome !== undefined);
    if (failure) throw failure;
  }

  /**
   * A ready worker for one call, or undefined if `signal` aborts first. Rejects with a SystemError when the
   * worker started for this caller fails to start, or the pool is closed.
   */
  take(signal?: AbortSignal): Promise<SandboxWorker | undefined> {
    if (this.closing.signal.aborted) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.resolve(undefined);
    const spare = this.takeReady();
    if (spare) {
      this.topUp();
      return Promise.resolve(spare);
    }
    return new Promise((resolve, reject) => {
      const handover: Handover = (worker) => {
        signal?.removeEventListener("abort", onAbort);
        if (worker instanceof SystemError) reject(worker);
        else resolve(worker);
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(handover), 1);
        resolve(undefined);
      };
      this.waiting.push(handover);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.topUp();
    });
  }

  /** Ends a worker that served its call. */
  async retire(worker: SandboxWorker): Promise<void> {
    this.live.delete(worker);
    await worker.terminate();
  }

  /** Ends every worker, starting, spare or serving a call (that call ends as a crash); later takes fail. */
  async close(): Promise<void> {
    this.closing.abort();
    for (const handover of this.waiting.splice(0)) handover(closedError());
    this.ready.length = 0;
    const workers = [...this.live];
    this.live.clear();
    await Promise.all([...workers.map((worker) => worker.terminate()), ...this.starts]);
  }

  private takeReady(): SandboxWorker | undefined {
    for (let worker = this.ready.shift(); worker; worker = this.ready.shift()) {
      if (worker.alive) return worker;
      void this.retire(worker); // never rejects
    }
    return undefined;
  }

  /** Starts as many workers as the spares and the waiting callers need. */
  private topUp(): void {
    if (this.closing.signal.aborted) return;
    const needed = this.settings.spares + this.waiting.length - this.ready.length - this.starting;
    for (let i = 0; i < needed; i++) this.startOne();
  }

  private startOne(): void {
    this.starting += 1;
    const start = this.launch().then(
      (worker) => {
        this.settle(start);
        this.offer(worker);
        return undefined;
      },
      (error: unknown) => {
        this.settle(start);
        const failure =
          error instanceof SystemError
            ? error
            : new SystemError("a Python sandbox worker failed to start", { cause: error });
        // The caller this worker was meant for learns why; spares that fail are started again on the next take.
        this.waiting.shift()?.(failure);
        return failure;
      },
    );
    this.starts.add(start);
  }

  private settle(start: Promise<SystemError | undefined>): void {
    this.starting -= 1;
    this.starts.delete(start);
  }

  private async launch(): Promise<SandboxWorker> {
    const image = await this.loadImage();
    const { limits, startTimeoutMs } = this.settings;
    return SandboxWorker.start(image, limits, startTimeoutMs, this.closing.signal);
  }

  private offer(worker: SandboxWorker): void {
    if (this.closing.signal.aborted) {
      void worker.terminate(); // never rejects
      return;
    }
    this.live.add(worker);
    const waiter = this.waiting.shift();
    if (waiter) waiter(worker);
    else this.ready.push(worker);
  }

  /** The image is made once; if making it fails, the next start tries again. */
  private loadImage(): Promise<InterpreterImage> {
    this.image ??= makeInterpreterImage(this.settings.startTimeoutMs, this.closing.signal).catch(
      (error: unknown) => {
        this.image = undefined;
        throw error;
      },
    );
    return this.image;
  }
}

function closedError(): SystemError {
  return new SystemError("this Python sandbox was closed: create a new PythonSandbox");
}
