import { prepareTopology } from "../../cli/prepare-topology.ts";
import type { RunReport } from "../../curation/run-report.ts";
import { silentLogger } from "../../log/logger.ts";
import { runSession } from "../../runner/run-session.ts";
import { ProgressLine } from "../../terminal/progress.ts";

/** Records when the run's follower saw each round close: runSession reports every new close to its progress. */
class CloseClock extends ProgressLine {
  readonly closedAt: number[] = [];
  override update(): void {
    this.closedAt.push(performance.now());
  }
  override done(): void {}
}

export interface TimedRun {
  report: RunReport;
  /** performance.now() of each round's close, in order. */
  closedAt: number[];
  /** performance.now() when the run was asked to start (before NATS and the agents). */
  startedAt: number;
}

/** One whole run through the agent system (`runSession`: embedded NATS, every agent in this process). */
export async function runTimedSession(topologyFile: string): Promise<TimedRun> {
  const logger = silentLogger();
  const prepared = await prepareTopology(topologyFile, {}, logger);
  const clock = new CloseClock();
  const startedAt = performance.now();
  const { report } = await runSession({ prepared, logger, progress: clock });
  return { report, closedAt: clock.closedAt, startedAt };
}
