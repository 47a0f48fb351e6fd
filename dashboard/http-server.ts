import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { Logger } from "../log/logger.ts";
import { errorMessage, SystemError } from "../protocol/errors.ts";
import { ASSETS } from "./build.ts";
import type { RunBoard } from "./run-board.ts";
import { UpdateStream, type UpdateStreamOptions } from "./update-stream.ts";
import { API, parseRoundPath } from "./wire.ts";

/**
 * The page's only sources are this server's own files and endpoints. Model-written text reaches the page
 * as data and is rendered as text; the policy is the second line of defence should any of it ever be parsed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"];

export interface DashboardServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  assetsDir: string;
  board: RunBoard;
  logger: Logger;
  updates?: UpdateStreamOptions;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

interface Asset {
  type: string;
  body: Buffer;
}

async function loadAssets(dir: string): Promise<Map<string, Asset>> {
  const entries = Object.entries(ASSETS).map(async ([path, asset]) => {
    const body = await readFile(join(dir, asset.file)).catch((err: unknown) => {
      throw new SystemError(
        `dashboard page file ${join(dir, asset.file)} cannot be read (${errorMessage(err)}): rebuild it with \`npx tsx dashboard/build.ts\``,
        { cause: err },
      );
    });
    return [path, { type: asset.type, body }] as const;
  });
  return new Map(await Promise.all(entries));
}

interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

function text(status: number, body: string, headers?: Record<string, string>): Reply {
  return { status, type: "text/plain; charset=utf-8", body, headers };
}

function send(res: ServerResponse, { status, type, body, headers }: Reply): void {
  res.writeHead(status, {
    ...headers,
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(body);
}

/**
 * Serves the page, round details as JSON and the live update stream. Bound to loopback, it also refuses
 * requests addressed to another host name, so a web page elsewhere cannot read it through DNS rebinding.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const assets = await loadAssets(options.assetsDir);
  const updates = new UpdateStream(options.board, options.updates);
  let allowedHosts: Set<string> | undefined;

  /** The reply to a request, or "events" for the update stream. */
  const route = (req: IncomingMessage): Reply | "events" => {
    if (allowedHosts && !allowedHosts.has(req.headers.host ?? "")) {
      return text(421, "this dashboard only answers to its loopback address\n");
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return text(405, "the dashboard is read-only: use GET\n", { Allow: "GET, HEAD" });
    }
    const path = new URL(req.url ?? "/", "http://dashboard").pathname;
    if (path === API.events) return "events";
    const asset = assets.get(path);
    if (asset) return { status: 200, ...asset };
    const roundPath = parseRoundPath(path);
    const round = roundPath && options.board.round(roundPath.runId, roundPath.roundId);
    if (round) return { status: 200, type: "application/json; charset=utf-8", body: JSON.stringify(round) };
    return text(404, "not found\n");
  };

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    try {
      const reply = route(req);
      if (reply === "events") updates.attach(res);
      else send(res, reply);
    } catch (err) {
      options.logger.error({ err: errorMessage(err), url: req.url }, "dashboard request failed");
      if (!res.headersSent) send(res, text(500, "internal error\n"));
    }
  });
  const port = await listen(server, options.host, options.port);
  if (LOOPBACK_HOSTS.includes(options.host)) {
    allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  }
  const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: async () => {
      updates.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new SystemError(
          err.code === "EADDRINUSE"
            ? `port ${port} on ${host} is in use: pick another with --port (0 picks a free one)`
            : `the dashboard cannot listen on ${host}:${port} (${err.message}): check --host and --port`,
          { cause: err },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string")
    throw new SystemError(`the dashboard server has no TCP address after listening on ${host}:${port}`);
  return address.port;
}
