import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Bus } from "../bus/bus.ts";
import { readerEndpoint } from "../bus/nats-endpoint.ts";
import { readRunReviews } from "../bus/run-reviews.ts";
import type { Logger } from "../log/logger.ts";
import { ConfigError } from "../protocol/errors.ts";
import { ensureDashboardAssets } from "./build.ts";
import { ExportDownloads } from "./export-download.ts";
import { startDashboardServer } from "./http-server.ts";
import { ReviewWriter } from "./review-writer.ts";
import { RunBoard } from "./run-board.ts";
import { followRunsInto } from "./run-source.ts";
import type { UpdateStreamOptions } from "./update-stream.ts";
import type { WriteAccess } from "./write-guard.ts";

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
  /** Refuse every review, whatever the address. */
  readOnly?: boolean;
  /** The write token when bound beyond loopback; default NANOFLUX_DASHBOARD_TOKEN, else a random one. */
  token?: string;
}

export interface Dashboard {
  url: string;
  natsUrl: string;
  /** How reviews are taken: open (loopback), with `token`, or off. */
  writes: WriteAccess["mode"];
  /**
   * The page's address for a person to open: this machine's name when bound to every address (0.0.0.0 is no
   * address to visit), with the token in its fragment (never sent to a server) when writes need one.
   */
  reviewUrl: string;
  close(): Promise<void>;
}

const LOOPBACK = ["127.0.0.1", "localhost", "::1"];
const WILDCARD = ["0.0.0.0", "::"];
const MIN_TOKEN_LENGTH = 16;

/** Open on loopback, a token anywhere else, none at all when read-only. */
function writeAccess(options: DashboardOptions): WriteAccess {
  if (options.readOnly) return { mode: "off" };
  if (LOOPBACK.includes(options.host)) return { mode: "open" };
  const token =
    options.token ?? options.env.NANOFLUX_DASHBOARD_TOKEN ?? randomBytes(24).toString("base64url");
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token))
    throw new ConfigError(
      `NANOFLUX_DASHBOARD_TOKEN: use at least ${MIN_TOKEN_LENGTH} printable characters without spaces (or leave it unset for a random one)`,
    );
  return { mode: "token", token };
}

/**
 * Connects to the runs' NATS, follows them into a board, and serves it, recording reviewers' decisions on the
 * stream; close() undoes it all, last step first. Bad settings are refused before anything starts.
 */
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
  const writes = writeAccess(options);
  try {
    const assetsDir = await ensureDashboardAssets(options.assetsDir);
    const endpoint = await readerEndpoint(options.outDir, options.env, { watch: true });
    cleanups.unshift(() => endpoint.release());
    const bus = await Bus.open({ servers: endpoint.url, name: "nanoflux-dashboard", logger });
    cleanups.unshift(() => bus.close());
    const exports = new ExportDownloads(options.outDir, (runId) => readRunReviews(bus.nc, runId));
    const board = new RunBoard({ exportable: (runId) => exports.exportable(runId) });
    const source = await followRunsInto({ bus, board, runIds: options.runIds, logger });
    cleanups.unshift(() => source.stop());
    const server = await startDashboardServer({
      host: options.host,
      port: options.port,
      assetsDir,
      board,
      logger,
      updates: options.updates,
      writes,
      reviews: new ReviewWriter(bus, board),
      exports,
    });
    cleanups.unshift(() => server.close());
    const page = new URL(server.url);
    if (WILDCARD.includes(options.host)) page.hostname = hostname();
    if (writes.mode === "token") page.hash = `token=${encodeURIComponent(writes.token)}`;
    const reviewUrl = page.href;
    return { url: server.url, natsUrl: endpoint.url, writes: writes.mode, reviewUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}
