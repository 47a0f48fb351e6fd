import type { RecordedEvent } from "../bus/run-events.ts";
import type { Heartbeat } from "../protocol/messages.ts";
import { type AgentRoster, recordHeartbeat } from "./agent-roster.ts";
import { runListItem, runSnapshot } from "./snapshot.ts";
import { emptyRunView, foldRunEvent, type RunView } from "./view-model.ts";
import type { RoundDetail, RunListItem, RunSnapshot } from "./wire.ts";

interface BoardEntry {
  view: RunView;
  roster: AgentRoster;
}

/**
 * Every run the dashboard follows: the NATS side feeds it events and heartbeats, the HTTP side reads
 * snapshots, and listeners hear which run changed so updates can be pushed.
 */
export class RunBoard {
  private readonly runs = new Map<string, BoardEntry>();
  private readonly listeners = new Set<(runId: string) => void>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Lists a run before its first event arrives (a run named on the command line). */
  track(runId: string): void {
    this.entry(runId);
    this.changed(runId);
  }

  applyEvent(runId: string, recorded: RecordedEvent): void {
    const entry = this.entry(runId);
    entry.view = foldRunEvent(entry.view, recorded);
    this.changed(runId);
  }

  applyHeartbeat(beat: Heartbeat): void {
    const entry = this.entry(beat.runId);
    entry.roster = recordHeartbeat(entry.roster, beat, this.clock());
    this.changed(beat.runId);
  }

  /** Calls `listener` with the id of each run that changes; returns the unsubscribe function. */
  onChange(listener: (runId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  runIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Newest run first; a run with no event yet (only heartbeats, or named on the command line) counts as newest. */
  list(): RunListItem[] {
    const now = this.clock();
    const startOf = (entry: BoardEntry) => entry.view.startedAt ?? Number.POSITIVE_INFINITY;
    return [...this.runs.values()]
      .sort((a, b) => startOf(b) - startOf(a) || a.view.runId.localeCompare(b.view.runId))
      .map((entry) => runListItem(entry.view, entry.roster, now));
  }

  snapshot(runId: string): RunSnapshot | undefined {
    const entry = this.runs.get(runId);
    return entry && runSnapshot(entry.view, entry.roster, this.clock());
  }

  round(runId: string, roundId: string): RoundDetail | undefined {
    return this.runs.get(runId)?.view.rounds.get(roundId);
  }

  private entry(runId: string): BoardEntry {
    let entry = this.runs.get(runId);
    if (!entry) {
      entry = { view: emptyRunView(runId), roster: new Map() };
      this.runs.set(runId, entry);
    }
    return entry;
  }

  private changed(runId: string): void {
    for (const listener of this.listeners) listener(runId);
  }
}
