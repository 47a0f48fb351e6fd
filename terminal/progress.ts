/** A live status line on a TTY: accepted/target, rounds per minute, tokens and ETA. Silent elsewhere. */
export interface ProgressState {
  accepted: number;
  target: number;
  rounds: number;
  tokens: number;
  startedAt: number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function progressLine(state: ProgressState, now: number): string {
  const minutes = Math.max((now - state.startedAt) / 60_000, 1e-9);
  const perMinute = state.rounds / minutes;
  const acceptedPerMs = state.accepted / Math.max(now - state.startedAt, 1);
  const eta = state.accepted > 0 ? (state.target - state.accepted) / acceptedPerMs : Number.NaN;
  const tokens = state.tokens >= 1000 ? `${(state.tokens / 1000).toFixed(1)}k` : String(state.tokens);
  return `accepted ${state.accepted}/${state.target} | rounds ${state.rounds} (${perMinute.toFixed(1)}/min) | tokens ${tokens} | ETA ${formatDuration(eta)}`;
}

export class ProgressLine {
  private lastWidth = 0;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(state: ProgressState): void {
    if (!this.enabled) return;
    const text = progressLine(state, Date.now());
    this.stream.write(`\r${text.padEnd(this.lastWidth)}`);
    this.lastWidth = text.length;
  }

  done(): void {
    if (this.enabled && this.lastWidth > 0) this.stream.write("\n");
    this.lastWidth = 0;
  }
}
