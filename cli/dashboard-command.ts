import { Command, InvalidArgumentError } from "commander";
import { openDashboard } from "../dashboard/dashboard.ts";
import { createLogger } from "../log/logger.ts";
import { onStopSignal } from "../terminal/signals.ts";
import { runIdArgument } from "./arguments.ts";

export const DEFAULT_PORT = 4650;

interface DashboardFlags {
  port: number;
  host: string;
  run?: string[];
  out: string;
  readOnly?: boolean;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError("expected a port number from 0 to 65535 (0 picks a free one)");
  return n;
}

function runIds(value: string, previous: string[] = []): string[] {
  return [...previous, runIdArgument(value)];
}

/** `nanoflux dashboard`: a web page that follows runs live from their NATS stream, where people review samples. */
export function dashboardCommand(): Command {
  return new Command("dashboard")
    .description(
      "serve a live web view of runs (funnel, cost, standings, charts, rounds, agents) where people review samples",
    )
    .option("--port <port>", "port to listen on (0 picks a free one)", port, DEFAULT_PORT)
    .option(
      "--host <address>",
      "address to listen on; beyond loopback anyone who reaches it can read, and recording reviews needs the printed token (NANOFLUX_DASHBOARD_TOKEN sets it)",
      "127.0.0.1",
    )
    .option("--read-only", "refuse every review: only show runs")
    .option("--run <id...>", "runs to follow (default: every run on the stream)", runIds)
    .option("--out <dir>", "runs folder, to find an embedded NATS server when NATS_URL is not set", "runs")
    .action(async (flags: DashboardFlags) => {
      const logger = createLogger();
      const dashboard = await openDashboard({
        host: flags.host,
        port: flags.port,
        runIds: flags.run ?? [],
        outDir: flags.out,
        env: process.env,
        logger,
        readOnly: flags.readOnly,
      });
      logger.info(
        { url: dashboard.url, nats: dashboard.natsUrl, runs: flags.run ?? "all", reviews: dashboard.writes },
        "dashboard ready",
      );
      process.stdout.write(`dashboard: ${dashboard.reviewUrl}\n`);
      if (dashboard.writes === "token")
        process.stdout.write(
          "reviews need the token in that link: share it only with reviewers (anyone who can reach the address can read)\n",
        );
      await onStopSignal();
      await dashboard.close();
    });
}
