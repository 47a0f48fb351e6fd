import { type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { ConfigError } from "../protocol/errors.ts";
import { RunCompleted, RunStarted } from "../protocol/messages.ts";
import { runStageSubject, STAGES, STREAM_NAME, SUBJECT_ROOT } from "../protocol/subjects.ts";
import { isStreamNotFound } from "./jetstream-errors.ts";
import { followRunEvents } from "./run-events.ts";

/** What the stream knows of a run, read without creating anything (no stream, no consumer, no bucket). */
export type RunLookup =
  | { state: "unknown" }
  | { state: "running"; started: RunStarted }
  | { state: "completed"; started?: RunStarted; completed: RunCompleted };

async function lastOn(nc: NatsConnection, subject: string): Promise<unknown> {
  return lastOnStream(await jetstreamManager(nc), subject);
}

async function lastOnStream(jsm: JetStreamManager, subject: string): Promise<unknown> {
  try {
    // No message on the subject is null; no stream at all is an error.
    return (await jsm.streams.getMessage(STREAM_NAME, { last_by_subj: subject }))?.json();
  } catch (err) {
    if (isStreamNotFound(err)) return undefined;
    throw err;
  }
}

/** The run's run.started event, if the run has started. */
export async function runStartedEvent(jsm: JetStreamManager, runId: string): Promise<RunStarted | undefined> {
  const started = RunStarted.safeParse(await lastOnStream(jsm, runStageSubject(runId, STAGES.runStarted)));
  return started.success ? started.data : undefined;
}

export async function lookUpRun(nc: NatsConnection, runId: string): Promise<RunLookup> {
  const started = RunStarted.safeParse(await lastOn(nc, runStageSubject(runId, STAGES.runStarted)));
  const completed = RunCompleted.safeParse(await lastOn(nc, runStageSubject(runId, STAGES.runCompleted)));
  if (completed.success)
    return {
      state: "completed",
      started: started.success ? started.data : undefined,
      completed: completed.data,
    };
  return started.success ? { state: "running", started: started.data } : { state: "unknown" };
}

/** Ids of the runs that have started on this server's stream, sorted. */
export async function knownRuns(nc: NatsConnection): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const prefix = `${SUBJECT_ROOT}.run.`;
  try {
    const info = await jsm.streams.info(STREAM_NAME, {
      subjects_filter: `${prefix}*.${STAGES.runStarted}`,
    });
    return Object.keys(info.state.subjects ?? {})
      .map((subject) => subject.slice(prefix.length, -`.${STAGES.runStarted}`.length))
      .sort();
  } catch (err) {
    if (isStreamNotFound(err)) return [];
    throw err;
  }
}

const POLL_MS = 500;

/**
 * Waits up to `waitMs` for a run to have started (its coordinator may be starting at the same moment), then
 * gives up with the runs that do exist: a mistyped id is an input mistake, not a reason to idle.
 */
export async function awaitRun(
  nc: NatsConnection,
  runId: string,
  waitMs: number,
  onWaiting: (message: string) => void,
): Promise<Exclude<RunLookup, { state: "unknown" }>> {
  const deadline = Date.now() + waitMs;
  let said = false;
  for (;;) {
    const found = await lookUpRun(nc, runId);
    if (found.state !== "unknown") return found;
    if (Date.now() >= deadline) break;
    if (!said) onWaiting(`run ${runId} has not started yet; waiting up to ${Math.ceil(waitMs / 1000)} s`);
    said = true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
  }
  const runs = await knownRuns(nc);
  const listed =
    runs.length > 0
      ? `runs there: ${runs.slice(-10).join(", ")}${runs.length > 10 ? ` (the last 10 of ${runs.length})` : ""}`
      : "no run has started there";
  throw new ConfigError(
    `run ${runId} is not on this NATS server (${listed}); check the run id, or start the run first (nanoflux up, or nanoflux agent scheduler) and pass --wait-for-run <seconds> to wait for it`,
  );
}

export interface CompletionWatch {
  completed: Promise<RunCompleted>;
  stop(): Promise<void>;
}

/** Resolves when the run publishes run.completed (at once for a run already completed). */
export async function watchCompletion(nc: NatsConnection, runId: string): Promise<CompletionWatch> {
  const follower = await followRunEvents(jetstream(nc), runId, {
    fromStart: true,
    subject: runStageSubject(runId, STAGES.runCompleted),
  });
  const completed = (async () => {
    for await (const { event } of follower.events) if (event.type === "run.completed.v1") return event;
    return new Promise<never>(() => {});
  })();
  return { completed, stop: () => follower.stop() };
}
