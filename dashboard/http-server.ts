import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { z } from "zod";
import { ExportFormat } from "../curation/export/formats.ts";
import type { Logger } from "../log/logger.ts";
import { errorMessage, SystemError } from "../protocol/errors.ts";
import { ASSETS } from "./build.ts";
import type { ExportDownloads } from "./export-download.ts";
import type { ReviewWriter } from "./review-writer.ts";
import type { RunBoard } from "./run-board.ts";
import { UpdateStream, type UpdateStreamOptions } from "./update-stream.ts";
import { API, parseApiPath, ReviewRequest, RoundQuery, type Session, type WriteProblem } from "./wire.ts";
import { type WriteAccess, writeRefusal } from "./write-guard.ts";

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
  /** Who may record reviews; with "off" (or no writer) the dashboard is read-only. */
  writes: WriteAccess;
  reviews?: ReviewWriter;
  exports?: ExportDownloads;
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

function json(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, type: "application/json; charset=utf-8", body: JSON.stringify(value), headers };
}

function problem(status: number, value: WriteProblem, headers?: Record<string, string>): Reply {
  return json(status, value, headers);
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

/** A review is a few kilobytes at most; anything far larger is refused before it is read whole. */
const MAX_WRITE_BYTES = 256 * 1024;

class TooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_WRITE_BYTES) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_WRITE_BYTES) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A run id as the stream spells them: anything else (a path, "..") names no run. */
const RUN_ID = /^[A-Za-z0-9_-]+$/;

/**
 * Serves the page, round details and filtered round lists as JSON, the live update stream, reviewers' decisions
 * and export downloads. Bound to loopback, it also refuses requests addressed to another host name, so a web page
 * elsewhere cannot read it through DNS rebinding.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const assets = await loadAssets(options.assetsDir);
  const updates = new UpdateStream(options.board, options.updates);
  const { board, reviews, exports } = options;
  const writes: WriteAccess = reviews ? options.writes : { mode: "off" };
  let allowedHosts: Set<string> | undefined;

  const read = async (url: URL, method: string): Promise<Reply | "events"> => {
    const path = url.pathname;
    if (path === API.events) return "events";
    if (path === API.session)
      return json(200, { writes: writes.mode, exportFormats: ExportFormat.options } satisfies Session);
    const asset = assets.get(path);
    if (asset) return { status: 200, ...asset };
    const api = parseApiPath(path);
    if (!api || !RUN_ID.test(api.runId)) return text(404, "not found\n");
    switch (api.kind) {
      case "round": {
        const round = board.round(api.runId, api.roundId);
        return round ? json(200, round) : text(404, "no such round\n");
      }
      case "rounds": {
        const query = RoundQuery.safeParse(Object.fromEntries(url.searchParams));
        if (!query.success) return problem(400, issueProblem(query.error));
        const page = board.queryRounds(api.runId, query.data);
        return page ? json(200, page) : text(404, "no such run\n");
      }
      case "export": {
        if (!board.runIds().includes(api.runId) || !exports?.exportable(api.runId))
          return text(
            404,
            `run ${api.runId} is not one this dashboard follows with its folder on this host: export it where it is with \`nanoflux export\`\n`,
          );
        if (method === "HEAD") return text(405, "use GET to download an export\n", { Allow: "GET" });
        const download = await exports.zip(api.runId, url.searchParams.get("format"));
        if ("error" in download)
          return problem(download.status, { error: download.error, field: download.field });
        return {
          status: 200,
          type: "application/zip",
          body: download.body,
          headers: { "Content-Disposition": `attachment; filename="${download.filename}"` },
        };
      }
      default:
        return text(405, "use POST to record a review\n", { Allow: "POST" });
    }
  };

  const write = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    const api = parseApiPath(url.pathname);
    if (api?.kind !== "reviews" || !RUN_ID.test(api.runId)) return text(404, "not found\n");
    const refusal = writeRefusal(req, writes);
    if (refusal) return problem(refusal.status, { error: refusal.error }, refusal.headers);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      if (err instanceof TooLarge)
        return problem(413, { error: `a review is at most ${MAX_WRITE_BYTES} bytes` });
      return problem(400, { error: `the body is not JSON: ${errorMessage(err)}` });
    }
    const request = ReviewRequest.safeParse(body);
    if (!request.success) return problem(400, issueProblem(request.error));
    const outcome = await (reviews as ReviewWriter).record(api.runId, api.roundId, request.data);
    if (!outcome.ok) return problem(outcome.status, outcome.problem);
    options.logger.info(
      {
        runId: api.runId,
        roundId: api.roundId,
        reviewer: request.data.reviewer,
        action: request.data.action,
      },
      "review recorded",
    );
    return json(outcome.duplicate ? 200 : 201, { seq: outcome.seq, duplicate: outcome.duplicate });
  };

  /** The reply to a request, or "events" for the update stream. */
  const route = async (req: IncomingMessage): Promise<Reply | "events"> => {
    if (allowedHosts && !allowedHosts.has((req.headers.host ?? "").toLowerCase())) {
      return text(421, "this dashboard only answers to its loopback address\n");
    }
    const url = new URL(req.url ?? "/", "http://dashboard");
    if (req.method === "GET" || req.method === "HEAD") return read(url, req.method);
    if (req.method === "POST") return write(req, url);
    // No OPTIONS either: a cross-site script's preflight is never granted.
    return text(405, "use GET to read, POST to record a review\n", { Allow: "GET, HEAD, POST" });
  };

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    route(req).then(
      (reply) => {
        if (reply === "events") updates.attach(res);
        else send(res, reply);
      },
      (err: unknown) => {
        options.logger.error({ err: errorMessage(err), url: req.url }, "dashboard request failed");
        if (!res.headersSent) send(res, text(500, "internal error\n"));
      },
    );
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

function issueProblem(error: z.ZodError): WriteProblem {
  const issue = error.issues[0];
  const field = issue?.path.join(".") || undefined;
  return { error: `${field ? `${field}: ` : ""}${issue?.message ?? "invalid"}`, field };
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
