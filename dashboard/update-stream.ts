import type { ServerResponse } from "node:http";
import type { RunBoard } from "./run-board.ts";
import type { DashboardUpdate, RunSnapshot } from "./wire.ts";

export interface UpdateStreamOptions {
  /** Changes are gathered and pushed at most this often: a replay of thousands of events sends a few snapshots. */
  flushMs?: number;
  /** How often live runs are pushed without an event: elapsed time, ETA and liveness move with the clock. */
  refreshMs?: number;
}

/** Pushes the board to every connected page with Server-Sent Events: whole snapshots, at most one per run per flush. */
export class UpdateStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly dirty = new Set<string>();
  private lastRunList = "";
  /** Runs the pages were last shown as live: they need pushing as the clock moves, until shown otherwise. */
  private readonly shownLive = new Set<string>();
  private readonly timers: NodeJS.Timeout[];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly board: RunBoard,
    options: UpdateStreamOptions = {},
  ) {
    this.unsubscribe = board.onChange((runId) => this.dirty.add(runId));
    this.timers = [
      setInterval(() => this.flush(), options.flushMs ?? 250),
      setInterval(() => this.refresh(), options.refreshMs ?? 1000),
    ];
  }

  /** Takes over an HTTP response as an event stream, starting with everything the board holds. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store" });
    // Reconnect soon after the dashboard restarts; the first messages then bring the page up to date again.
    res.write("retry: 2000\n\n");
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
    send(res, { kind: "runs", runs: this.board.list() });
    for (const runId of this.board.runIds()) {
      const run = this.board.snapshot(runId);
      if (run) send(res, { kind: "run", run: this.noteLiveness(run) });
    }
  }

  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribe();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    const changed = [...this.dirty];
    this.dirty.clear();
    // A page that connects later is sent everything by attach(), so nothing needs keeping for it.
    if (this.clients.size === 0) return;
    for (const runId of changed) {
      const run = this.board.snapshot(runId);
      if (run) this.broadcast({ kind: "run", run: this.noteLiveness(run) });
    }
    const runs = this.board.list();
    const listed = JSON.stringify(runs);
    if (listed !== this.lastRunList) {
      this.lastRunList = listed;
      this.broadcast({ kind: "runs", runs });
    }
  }

  /** Elapsed time, ETA and liveness of live runs move with the clock: push them even without events. */
  private refresh(): void {
    for (const runId of this.shownLive) this.dirty.add(runId);
  }

  private noteLiveness(run: RunSnapshot): RunSnapshot {
    if (run.live) this.shownLive.add(run.runId);
    else this.shownLive.delete(run.runId);
    return run;
  }

  private broadcast(update: DashboardUpdate): void {
    for (const res of this.clients) send(res, update);
  }
}

function send(res: ServerResponse, update: DashboardUpdate): void {
  res.write(`data: ${JSON.stringify(update)}\n\n`);
}
