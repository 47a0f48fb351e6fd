import { jetstream } from "@nats-io/jetstream";
import { Command } from "commander";
import { connectNats } from "../bus/connection.ts";
import { readerEndpoint } from "../bus/nats-endpoint.ts";
import { readRunEvents } from "../bus/run-events.ts";
import { awaitRun } from "../bus/run-lookup.ts";
import { standingsOf } from "../curation/run-report.ts";
import type { RoundClosed } from "../protocol/messages.ts";
import { formatStandingsTable } from "../tournament/standings-table.ts";
import { runIdArgument } from "./arguments.ts";

/** Attacker and defender ratings of a run, with 95% intervals, rebuilt from its stream. */
export function standingsCommand(): Command {
  return new Command("standings")
    .description("print a run's tournament standings (ratings with 95% intervals) from its stream")
    .argument("<run>", "run id", runIdArgument)
    .option("--out <dir>", "runs folder, to find an embedded server", "runs")
    .option("--json", "print the rows as JSON")
    .action(async (run: string, flags: { out: string; json?: boolean }) => {
      const runId = run;
      const endpoint = await readerEndpoint(flags.out, process.env);
      // A plain connection: reading standings creates nothing on the server.
      const nc = await connectNats({ servers: endpoint.url, name: "nanoflux-standings" }).catch(
        async (err) => {
          await endpoint.release();
          throw err;
        },
      );
      try {
        await awaitRun(nc, runId, 0, () => {});
        const events = await readRunEvents(jetstream(nc), runId);
        const closed = events
          .map((e) => e.event)
          .filter((e): e is RoundClosed => e.type === "round.closed.v1");
        const rows = standingsOf(closed);
        process.stdout.write(
          flags.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatStandingsTable(rows)}\n`,
        );
      } finally {
        await nc.close();
        await endpoint.release();
      }
    });
}
