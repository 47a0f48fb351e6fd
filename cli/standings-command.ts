import { Command } from "commander";
import { Bus } from "../bus/bus.ts";
import type { RoundClosed } from "../bus/messages.ts";
import { readRunEvents } from "../bus/run-events.ts";
import { assertToken } from "../bus/subjects.ts";
import { ConfigError } from "../core/errors.ts";
import { silentLogger } from "../log/logger.ts";
import { readerEndpoint } from "../runner/nats-endpoint.ts";
import { standingsOf } from "../runner/run-report.ts";
import { formatStandingsTable } from "../tournament/standings-table.ts";

/** Attacker and defender ratings of a run, with 95% intervals, rebuilt from its stream. */
export function standingsCommand(): Command {
  return new Command("standings")
    .description("print a run's tournament standings (ratings with 95% intervals) from its stream")
    .argument("<run>", "run id")
    .option("--out <dir>", "runs folder, to find an embedded server", "runs")
    .option("--json", "print the rows as JSON")
    .action(async (run: string, flags: { out: string; json?: boolean }) => {
      const runId = assertToken(run, "run id");
      const endpoint = await readerEndpoint(flags.out, process.env);
      const bus = await Bus.open({
        servers: endpoint.url,
        name: "nanoflux-standings",
        logger: silentLogger(),
      });
      try {
        const events = await readRunEvents(bus.js, runId);
        if (events.length === 0)
          throw new ConfigError(
            `run ${runId}: no events on the stream; check the run id (see the runs folder) or NATS_URL`,
          );
        const closed = events
          .map((e) => e.event)
          .filter((e): e is RoundClosed => e.type === "round.closed.v1");
        const rows = standingsOf(closed);
        process.stdout.write(
          flags.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatStandingsTable(rows)}\n`,
        );
      } finally {
        await bus.close();
        await endpoint.embedded?.stop();
      }
    });
}
