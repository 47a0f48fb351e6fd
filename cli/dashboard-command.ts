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

/** `nanoflux dashboard`: a local web page that follows runs live (read-only) from their NATS stream. */
export function dashboardCommand(): Command {
  return new Command("dashboard")
    .description("serve a live web view of runs: funnel, cost, standings, charts, rounds and agents")
    .option("--port <port>", "port to listen on (0 picks a free one)", port, DEFAULT_PORT)
    .option(
      "--host <address>",
      "address to listen on; the page has no login, so keep it on loopback",
      "127.0.0.1",
    )
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
      });
      logger.info(
        { url: dashboard.url, nats: dashboard.natsUrl, runs: flags.run ?? "all" },
        "dashboard ready",
      );
      process.stdout.write(`dashboard: ${dashboard.url}\n`);
      await onStopSignal();
      await dashboard.close();
    });
}
