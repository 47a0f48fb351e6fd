import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { resolveAgentDefinition } from "../agents/registry.ts";
import { Bus } from "../bus/bus.ts";
import { natsEndpoint, newRunId } from "../bus/nats-endpoint.ts";
import { followRunEvents } from "../bus/run-events.ts";
import type { AgentConfig } from "../config/topology.ts";
import { writeFileAtomic } from "../core/atomic-file.ts";
import { DecontaminationTally } from "../curation/decontamination-report.ts";
import { RUN_RECORD_FILE } from "../curation/export/run-files.ts";
import { acceptedSamples, buildRunReport, type RunReport } from "../curation/run-report.ts";
import { startAgents } from "../host/runtime.ts";
import type { Logger } from "../log/logger.ts";
import type { RoundClosed, RunCompleted, RunEvent, UsageRecorded } from "../protocol/messages.ts";
import type { Sample } from "../protocol/schemas.ts";
import { ProgressLine } from "../terminal/progress.ts";
import { DatasetFile } from "./dataset-file.ts";
import type { PreparedTopology } from "./prepare-topology.ts";

export interface RunSessionOptions {
  prepared: PreparedTopology;
  logger: Logger;
  /** Run id to use: an existing run resumes from its stream and KV state. */
  runId?: string;
  /** Agents to start here; default: every agent in the topology. */
  agents?: AgentConfig[];
  progress?: ProgressLine;
  /** Resolves to stop the run early (SIGINT). */
  interrupt?: Promise<string>;
  /** Sees every event of the run, in stream order, as the session reads it. */
  onEvent?: (event: RunEvent) => void;
}

export interface RunResult {
  runId: string;
  runDir: string;
  datasetPath: string;
  reportPath: string;
  report: RunReport;
  /** The accepted samples, as the dataset file holds them. */
  samples: Sample[];
}

/**
 * Runs (or resumes) one run in this process: NATS (embedded unless given), the agents, and a follower of the
 * run's events that keeps the dataset file and progress current and ends when the scheduler completes the run.
 */
export async function runSession(options: RunSessionOptions): Promise<RunResult> {
  const { prepared, logger } = options;
  const { topology } = prepared;
  const runId = options.runId ?? newRunId();
  const runDir = resolve(topology.run.outDir, runId);
  await mkdir(runDir, { recursive: true });
  const datasetPath = join(runDir, "dataset.jsonl");
  const reportPath = join(runDir, "report.json");
  const nats = await natsEndpoint(topology, prepared.env);
  const cleanups: Array<() => Promise<void>> = [() => nats.release()];
  const progress = options.progress ?? new ProgressLine();
  try {
    const bus = await Bus.open({
      servers: nats.url,
      name: `nanoflux-run-${runId}`,
      nats: topology.nats,
      logger,
    });
    cleanups.unshift(() => bus.close());
    const follower = await followRunEvents(bus.js, runId, { fromStart: true });
    cleanups.unshift(() => follower.stop());
    const runtime = await startAgents(
      {
        topology,
        baseDir: prepared.baseDir,
        runId,
        runDir,
        natsUrl: nats.url,
        logger,
        env: prepared.env,
        resolve: resolveAgentDefinition,
      },
      options.agents ?? topology.agents,
    );
    cleanups.unshift(() => runtime.stop());
    logger.info({ runId, runDir, nats: nats.url, agents: runtime.agents.length }, "run started");

    const closed = new Map<string, RoundClosed>();
    const usage: UsageRecorded[] = [];
    const decontamination = new DecontaminationTally();
    const dataset = await DatasetFile.create(datasetPath);
    let completed: RunCompleted | undefined;
    const startedAt = Date.now();
    let tokens = 0;
    const interrupted = options.interrupt?.then((reason) => ({ interrupted: reason }));
    const iterator = follower.events[Symbol.asyncIterator]();
    while (!completed) {
      const next = interrupted ? await Promise.race([iterator.next(), interrupted]) : await iterator.next();
      if ("interrupted" in next) {
        logger.warn({ runId, reason: next.interrupted }, "run interrupted; resume it with --run-id");
        break;
      }
      if (next.done) break;
      const { event } = next.value;
      options.onEvent?.(event);
      decontamination.add(event);
      if (event.type === "run.started.v1")
        await writeFileAtomic(join(runDir, RUN_RECORD_FILE), `${JSON.stringify(event, null, 2)}\n`);
      if (event.type === "usage.recorded.v1") {
        usage.push(event);
        tokens += event.promptTokens + event.completionTokens;
      }
      if (event.type === "round.closed.v1" && !closed.has(event.spec.roundId)) {
        closed.set(event.spec.roundId, event);
        if (event.status === "accepted" && event.sample) await dataset.append(event.sample);
        const accepted = [...closed.values()].filter((c) => c.status === "accepted").length;
        progress.update({
          accepted,
          target: topology.curation.target,
          rounds: closed.size,
          tokens,
          startedAt,
        });
      }
      if (event.type === "run.completed.v1") completed = event;
    }
    progress.done();
    await runtime.stop();
    const rounds = [...closed.values()];
    const report = buildRunReport(runId, topology.curation, rounds, completed, usage);
    report.decontamination = decontamination.report();
    if (!completed) {
      report.status = "interrupted";
      report.reason = "stopped before the run completed";
    }
    const samples = acceptedSamples(rounds);
    await dataset.finalize(samples);
    await writeFileAtomic(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    return { runId, runDir, datasetPath, reportPath, report, samples };
  } finally {
    for (const cleanup of cleanups) {
      await cleanup().catch((err) => logger.warn({ err: String(err) }, "cleanup step failed"));
    }
  }
}
