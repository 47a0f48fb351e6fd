import cliProgress from "cli-progress";

/** A bar with count, rate and ETA for long work of known size (eval items, training steps, dry-run rounds). */
export interface ProgressBar {
  /** Sets how much is done; `detail` is a short text shown after the ETA (a loss, an accuracy). */
  update(done: number, detail?: string): void;
  /** Changes the total when it becomes known (a fine-tune's step count). */
  setTotal(total: number): void;
  /** Removes nothing: leaves the bar's last state on its own line. */
  stop(): void;
}

export interface ProgressBarOptions {
  label: string;
  total: number;
  /** What is counted: items, steps, rounds. */
  unit: string;
  stream?: NodeJS.WriteStream;
  /** Default: whether the stream is a terminal. Elsewhere the bar draws nothing; the summary tells the end. */
  enabled?: boolean;
}

const SILENT: ProgressBar = { update() {}, setTotal() {}, stop() {} };

export function progressBar(options: ProgressBarOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (!(options.enabled ?? Boolean(stream.isTTY))) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} {bar} {percentage}% | {value}/{total} ${options.unit} | ETA {eta_formatted} {detail}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { detail: "" });
  return {
    update: (done, detail) => bar.update(done, { detail: detail ?? "" }),
    setTotal: (total) => bar.setTotal(total),
    stop: () => bar.stop(),
  };
}
