import { Command } from "commander";
import { Bus } from "../bus/bus.ts";
import { followRunEvents, type RecordedEvent } from "../bus/run-events.ts";
import { allRunsSubject, runEventsSubject, SUBJECT_ROOT } from "../bus/subjects.ts";
import { createLogger } from "../log/logger.ts";
import { readerEndpoint } from "../runner/nats-endpoint.ts";
import { formatEventLine } from "./event-line.ts";
import { onStopSignal } from "./signals.ts";

interface TapFlags {
  subject?: string;
  json?: boolean;
  fromStart?: boolean;
  out: string;
  user?: string;
  tokenEnv?: string;
  creds?: string;
}

/** Subject filter for `tap`: a run's events, every run's, or a pattern relative to the run (e.g. "round.closed"). */
export function tapSubject(runId: string | undefined, pattern: string | undefined): string {
  if (pattern?.startsWith(`${SUBJECT_ROOT}.`)) return pattern;
  if (!runId) return pattern ? `${SUBJECT_ROOT}.run.*.${pattern}` : allRunsSubject();
  return pattern ? runEventsSubject(runId).replace(/>$/, pattern) : runEventsSubject(runId);
}

export function tapCommand(): Command {
  return new Command("tap")
    .description("print a run's events as they happen (JSON lines when not on a TTY)")
    .argument("[run]", "run id (default: every run)")
    .option(
      "--subject <pattern>",
      "subject pattern, relative to the run (e.g. round.closed, question.*) or absolute",
    )
    .option("--json", "print JSON lines even on a TTY")
    .option("--from-start", "replay the run's stream from its first event")
    .option("--out <dir>", "runs folder, to find an embedded server", "runs")
    .option("--user <user>", "NATS user (password from NATS_PASSWORD)")
    .option("--token-env <var>", "environment variable holding a NATS token")
    .option("--creds <file>", "NATS credentials file")
    .action(async (runId: string | undefined, flags: TapFlags) => {
      const logger = createLogger();
      const endpoint = await readerEndpoint(flags.out, process.env);
      const bus = await Bus.open({
        servers: endpoint.url,
        name: "nanoflux-tap",
        logger,
        nats: {
          user: flags.user,
          pass: flags.user ? process.env.NATS_PASSWORD : undefined,
          token: flags.tokenEnv ? process.env[flags.tokenEnv] : undefined,
          credsFile: flags.creds,
        },
      });
      const follower = await followRunEvents(bus.js, runId ?? "", {
        fromStart: Boolean(flags.fromStart),
        subject: tapSubject(runId, flags.subject),
        onInvalid: (subject, reason) => logger.warn({ subject, reason }, "skipped an invalid event"),
      });
      const pretty = Boolean(process.stdout.isTTY) && !flags.json;
      const print = (recorded: RecordedEvent) =>
        process.stdout.write(
          `${pretty ? formatEventLine(recorded) : JSON.stringify({ seq: recorded.seq, subject: recorded.subject, event: recorded.event })}\n`,
        );
      const stopped = onStopSignal();
      const iterator = follower.events[Symbol.asyncIterator]();
      for (;;) {
        const next = await Promise.race([iterator.next(), stopped.then(() => undefined)]);
        if (!next || next.done) break;
        print(next.value);
      }
      await follower.stop();
      await bus.close();
      await endpoint.embedded?.stop();
    });
}
