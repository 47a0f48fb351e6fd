import { fileURLToPath } from "node:url";
import { type Logger, silentLogger } from "../log/logger.ts";
import type { RunEvent } from "../protocol/messages.ts";
import type { RunReport } from "../protocol/run-report.ts";
import type { Sample } from "../protocol/schemas.ts";
import { runSession } from "../runner/run-session.ts";
import { ProgressLine } from "../terminal/progress.ts";
import { EventChannel } from "./event-channel.ts";
import { prepareTopology } from "./prepare-topology.ts";

/** The topology `generate()` runs when given none: the shipped demo, on the built-in simulator. */
export const DEMO_TOPOLOGY = fileURLToPath(new URL("../topologies/demo.yaml", import.meta.url));

export interface RunTopologyOptions {
  /** Accepted samples that end the run (the topology's `curation.target` otherwise). */
  target?: number;
  /** Domain packs to generate for (`prompts/<name>`), in place of the topology's `run.domains`. */
  domains?: string[];
  /** Folder for runs, in place of the topology's `run.outDir`; each run gets `<outDir>/<runId>/`. */
  outDir?: string;
  /** Rounds in flight at once, in place of the topology's `run.concurrency`. */
  concurrency?: number;
  /** Give up after this many rounds, in place of the topology's `run.maxRounds`. */
  maxRounds?: number;
  /** Run id to use: an existing run under `outDir` resumes where it stopped. */
  runId?: string;
  /** Where the run logs (a pino logger); default: nowhere. */
  logger?: Logger;
  /** Environment for `${VAR}` in the topology, API keys and NATS_URL; default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Aborting it stops the run as `stop()` does: the rounds in flight drain, the result is `interrupted`. */
  signal?: AbortSignal;
}

/** What a run leaves: its folder, its dataset (file and parsed samples) and its report. */
export interface RunOutcome {
  runId: string;
  runDir: string;
  /** `<runDir>/dataset.jsonl`, one sample a line. */
  datasetPath: string;
  /** `<runDir>/report.json`. */
  reportPath: string;
  /** The dataset's samples, in the file's order. */
  samples: Sample[];
  /** `status` says how the run ended: `target_reached`, ..., or `interrupted` after `stop()`. */
  report: RunReport;
}

/** A run under way in this process. */
export interface RunHandle {
  /**
   * The run's events in stream order, as they happen (a resumed run replays its earlier ones first); it ends when
   * the run ends, and throws the run's error if it fails. Events are kept from the moment iteration starts
   * (`for await`), not before, so a handle nobody iterates holds none: start the loop straight after
   * `runTopology()` to see them all. One reader; leaving the loop early lets the run go on.
   */
  readonly events: AsyncIterable<RunEvent>;
  /** Resolves when the run ends: at its target or limits, or after `stop()` (`report.status: "interrupted"`). */
  readonly result: Promise<RunOutcome>;
  /** Stops opening rounds, drains the agents and resolves `result` as interrupted; resume it with its run id. */
  stop(reason?: string): Promise<RunOutcome>;
}

/** `runTopology()`'s options, plus which topology file to run. */
export interface GenerateOptions extends RunTopologyOptions {
  /** A topology YAML file; default: the shipped demo (`topologies/demo.yaml`) on the built-in simulator. */
  topology?: string;
}

/** A progress line that never draws: a library's caller owns the terminal. */
class NoProgress extends ProgressLine {
  override get enabled(): boolean {
    return false;
  }
}

async function execute(
  file: string,
  options: RunTopologyOptions,
  interrupt: Promise<string>,
  onEvent: (event: RunEvent) => void,
): Promise<RunOutcome> {
  const logger = options.logger ?? silentLogger();
  const { target, domains, outDir, concurrency, maxRounds } = options;
  const prepared = await prepareTopology(
    file,
    { target, domains, outDir, concurrency, maxRounds },
    logger,
    options.env ?? process.env,
  );
  try {
    return await runSession({
      prepared,
      logger,
      runId: options.runId,
      interrupt,
      onEvent,
      progress: new NoProgress(),
    });
  } finally {
    await prepared.simulator?.close();
  }
}

/**
 * Starts (or, with `runId`, resumes) the run a topology file describes, in this process: the topology is checked
 * first (a bad one rejects `result` with a `TopologyError` naming each field), then the built-in simulator when
 * the file has a `simulator:` block, NATS (embedded unless `NATS_URL` or `nats.url` says otherwise) and every
 * agent of the topology.
 */
export function runTopology(topologyFile: string, options: RunTopologyOptions = {}): RunHandle {
  let requestStop: (reason: string) => void = () => {};
  const interrupt = new Promise<string>((resolve) => {
    requestStop = resolve;
  });
  let channel: EventChannel<RunEvent> | undefined;
  const { signal } = options;
  const onAbort = () => requestStop("aborted");
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  const result = execute(topologyFile, options, interrupt, (event) => channel?.push(event)).finally(() =>
    signal?.removeEventListener("abort", onAbort),
  );
  const openChannel = (): EventChannel<RunEvent> => {
    const opened = new EventChannel<RunEvent>();
    // The reader of events sees the run's failure as the iterator's error, so `result` counts as handled.
    void result.then(
      () => opened.end(),
      (error: unknown) => opened.end({ error }),
    );
    return opened;
  };
  return {
    events: {
      [Symbol.asyncIterator]: () => {
        channel ??= openChannel();
        return channel;
      },
    },
    result,
    stop(reason = "stopped") {
      requestStop(reason);
      return result;
    },
  };
}

/**
 * Runs a topology (the shipped demo by default) to its end and resolves to the dataset and report:
 * `const { samples, report } = await generate({ target: 3, outDir: "runs" })`.
 */
export function generate(options: GenerateOptions = {}): Promise<RunOutcome> {
  const { topology = DEMO_TOPOLOGY, ...runOptions } = options;
  return runTopology(topology, runOptions).result;
}
