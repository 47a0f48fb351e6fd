import { jetstream } from "@nats-io/jetstream";
import { Command } from "commander";
import { connectNats } from "../bus/connection.ts";
import { readerEndpoint } from "../bus/nats-endpoint.ts";
import { followRunEvents, type RecordedEvent } from "../bus/run-events.ts";
import { awaitRun } from "../bus/run-lookup.ts";
import { createLogger } from "../log/logger.ts";
import { allRunsSubject, runEventsSubject, STAGES, SUBJECT_ROOT } from "../protocol/subjects.ts";
import { note } from "../terminal/live-line.ts";
import { onStopSignal } from "../terminal/signals.ts";
import { DEFAULT_WAIT_FOR_RUN_S, nonNegativeNumber, runIdArgument } from "./arguments.ts";
import { formatEventLine } from "./event-line.ts";

interface TapFlags {
  subject?: string;
  json?: boolean;
  fromStart?: boolean;
  follow?: boolean;
  waitForRun: number;
  out: string;
  user?: string;
  tokenEnv?: string;
  creds?: string;
}

/**
 * Subject filter for `tap`: a run's events, every run's, or a pattern relative to the run (e.g. "round.closed").
 * Reviews have a subject per round, so "review.recorded" means all of them.
 */
export function tapSubject(runId: string | undefined, given: string | undefined): string {
  if (given?.startsWith(`${SUBJECT_ROOT}.`)) return given;
  const pattern = given === STAGES.reviewRecorded ? `${given}.>` : given;
  if (!runId) return pattern ? `${SUBJECT_ROOT}.run.*.${pattern}` : allRunsSubject();
  return pattern ? runEventsSubject(runId).replace(/>$/, pattern) : runEventsSubject(runId);
}

/** NATS subject matching: `*` is one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const wanted = pattern.split(".");
  const tokens = subject.split(".");
  for (const [i, token] of wanted.entries()) {
    if (token === ">") return tokens.length > i;
    if (tokens[i] === undefined || (token !== "*" && token !== tokens[i])) return false;
  }
  return wanted.length === tokens.length;
}

export function tapCommand(): Command {
  return new Command("tap")
    .description("print a run's events as they happen, until it completes (JSON lines when not on a TTY)")
    .argument("[run]", "run id (default: every run, until stopped)", runIdArgument)
    .option(
      "--subject <pattern>",
      "subject pattern, relative to the run (e.g. round.closed, question.*) or absolute",
    )
    .option("--json", "print JSON lines even on a TTY")
    .option("--from-start", "replay the run's stream from its first event")
    .option("--follow", "keep following the run after it completes (a resumed run goes on)")
    .option(
      "--wait-for-run <seconds>",
      "how long to wait for a run that has not started yet",
      nonNegativeNumber,
      DEFAULT_WAIT_FOR_RUN_S,
    )
    .option("--out <dir>", "runs folder, to find an embedded server", "runs")
    .option("--user <user>", "NATS user (password from NATS_PASSWORD)")
    .option("--token-env <var>", "environment variable holding a NATS token")
    .option("--creds <file>", "NATS credentials file")
    .action(async (runId: string | undefined, flags: TapFlags) => {
      const logger = createLogger();
      const endpoint = await readerEndpoint(flags.out, process.env);
      // Listening from here on, so a stop while waiting for the run still leaves the shared server cleanly.
      const stopped = onStopSignal();
      // A plain connection: tap reads, and must not create streams or buckets on a server it only watches.
      const nc = await connectNats({
        servers: endpoint.url,
        name: "nanoflux-tap",
        auth: {
          user: flags.user,
          pass: flags.user ? process.env.NATS_PASSWORD : undefined,
          token: flags.tokenEnv ? process.env[flags.tokenEnv] : undefined,
          credsFile: flags.creds,
        },
      }).catch(async (err) => {
        await endpoint.release();
        throw err;
      });
      try {
        const stopAtCompletion = runId !== undefined && !flags.follow;
        if (runId) {
          const found = await awaitRun(nc, runId, flags.waitForRun * 1000, note);
          if (found.state === "completed" && stopAtCompletion && !flags.fromStart) {
            note(
              `run ${runId} completed (${found.completed.reason}); --from-start replays its events, --follow waits for more`,
            );
            return;
          }
        }
        const wanted = tapSubject(runId, flags.subject);
        // Following the whole run lets tap see run.completed whatever the subject filter.
        const follower = await followRunEvents(jetstream(nc), runId ?? "", {
          fromStart: Boolean(flags.fromStart),
          subject: stopAtCompletion ? tapSubject(runId, undefined) : wanted,
          onInvalid: (subject, reason) => logger.warn({ subject, reason }, "skipped an invalid event"),
        });
        const pretty = Boolean(process.stdout.isTTY) && !flags.json;
        const print = (recorded: RecordedEvent) =>
          process.stdout.write(
            `${pretty ? formatEventLine(recorded) : JSON.stringify({ seq: recorded.seq, subject: recorded.subject, event: recorded.event })}\n`,
          );
        // A stop ends the follower, and with it the loop below.
        void stopped.then(() => follower.stop());
        try {
          for await (const recorded of follower.events) {
            if (subjectMatches(wanted, recorded.subject)) print(recorded);
            if (stopAtCompletion && recorded.event.type === "run.completed.v1") break;
          }
        } finally {
          await follower.stop();
        }
      } finally {
        await nc.close();
        await endpoint.release();
      }
    });
}
