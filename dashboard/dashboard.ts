import { Bus } from "../bus/bus.ts";
import { readerEndpoint } from "../bus/nats-endpoint.ts";
import type { Logger } from "../log/logger.ts";
import { ensureDashboardAssets } from "./build.ts";
import { startDashboardServer } from "./http-server.ts";
import { RunBoard } from "./run-board.ts";
import { followRunsInto } from "./run-source.ts";
import type { UpdateStreamOptions } from "./update-stream.ts";

export interface DashboardOptions {
  host: string;
  port: number;
  /** Runs to follow; empty: every run on the stream. */
  runIds: readonly string[];
  /** Runs folder, where a run's embedded NATS server is found when NATS_URL is not set. */
  outDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Folder of the built page; built there when missing. */
  assetsDir?: string;
  updates?: UpdateStreamOptions;
}

export interface Dashboard {
  url: string;
  natsUrl: string;
  close(): Promise<void>;
}

/** Connects to the runs' NATS, follows them into a board, and serves it; close() undoes it all, last step first. */
export async function openDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { logger } = options;
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0)) {
      await cleanup().catch((err: unknown) =>
        logger.warn({ err: String(err) }, "dashboard cleanup step failed"),
      );
    }
  };
  try {
    const assetsDir = await ensureDashboardAssets(options.assetsDir);
    const endpoint = await readerEndpoint(options.outDir, options.env, { watch: true });
    cleanups.unshift(() => endpoint.release());
    const bus = await Bus.open({ servers: endpoint.url, name: "nanoflux-dashboard", logger });
    cleanups.unshift(() => bus.close());
    const board = new RunBoard();
    const source = await followRunsInto({ bus, board, runIds: options.runIds, logger });
    cleanups.unshift(() => source.stop());
    const server = await startDashboardServer({
      host: options.host,
      port: options.port,
      assetsDir,
      board,
      logger,
      updates: options.updates,
    });
    cleanups.unshift(() => server.close());
    return { url: server.url, natsUrl: endpoint.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
