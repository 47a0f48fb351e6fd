import { formatCount } from "./numbers.ts";
import { type ProgressBar, progressBar, progressWanted } from "./progress-bar.ts";

/** Where a run stands, as its session reports it after every round that closes. */
export interface ProgressState {
  accepted: number;
  target: number;
  rounds: number;
  tokens: number;
  startedAt: number;
}

export interface ProgressLineOptions {
  stream?: NodeJS.WriteStream;
  /**
   * A fixed number of rounds to count toward (a dry run's sample); by default the bar counts accepted samples
   * toward the run's target.
   */
  rounds?: number;
  /** The bar's label (default: "run"). */
  label?: string;
}

function perMinute(state: ProgressState, now: number): string {
  const minutes = Math.max((now - state.startedAt) / 60_000, 1e-9);
  return (state.rounds / minutes).toFixed(1);
}

/**
 * A run's progress as a bar on a terminal (silent elsewhere, and with `--quiet`): accepted/target with its ETA,
 * rounds per minute and tokens; or, for a dry run's sample, rounds/rounds with what was accepted.
 */
export class ProgressLine {
  #bar: ProgressBar | undefined;

  constructor(private readonly options: ProgressLineOptions = {}) {}

  get enabled(): boolean {
    return progressWanted(this.options.stream);
  }

  update(state: ProgressState): void {
    if (!this.enabled) return;
    const { rounds } = this.options;
    this.#bar ??= progressBar({
      label: this.options.label ?? "run",
      total: rounds ?? state.target,
      unit: rounds === undefined ? "accepted" : "rounds",
      stream: this.options.stream,
      startedAt: state.startedAt,
    });
    const tokens = `tokens ${formatCount(state.tokens)}`;
    if (rounds === undefined) {
      this.#bar.update(
        state.accepted,
        `rounds ${state.rounds} (${perMinute(state, Date.now())}/min) | ${tokens}`,
      );
    } else {
      this.#bar.update(state.rounds, `accepted ${state.accepted} | ${tokens}`);
    }
  }

  done(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
