import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { SimulatorConfig } from "../config/topology.ts";
import { ConfigError, errorMessage, SystemError } from "../core/errors.ts";
import { drawFault } from "./faults.ts";
import { BadRequestError, sendError } from "./http.ts";
import { loadBenchmarkItems } from "./items/benchmarks.ts";
import { QuestionRegistry } from "./items/registry.ts";
import { Rng } from "./random.ts";
import { ROUTE_MODULES } from "./route-table.ts";
import { matchPath, type SimContext, type SimRoute } from "./routes.ts";
import { SkillBook } from "./skill-book.ts";
import { type SimulatorStats, StatsRecorder } from "./stats.ts";

/**
 * The OpenAI-compatible simulator: a plain node:http server that routes through the table of route modules and
 * applies what every model-serving endpoint shares: the concurrency limit and injected faults.
 */

export interface Simulator {
  /** Base URL for OpenAI clients, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  /** Per-model skill; raise it to make a model stronger. */
  skills: SkillBook;
  stats(): SimulatorStats;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  logger?: Logger;
  host?: string;
}

/** A request hit by the timeout fault is held this long at most, then its connection is dropped. */
const HOLD_CAP_MS = 10 * 60_000;
const RETRY_AFTER_MS = 250;

function rateLimited(res: ServerResponse, message: string): void {
  sendError(
    res,
    429,
    { message, type: "requests", code: "rate_limit_exceeded" },
    {
      "retry-after": String(Math.ceil(RETRY_AFTER_MS / 1000)),
      "retry-after-ms": String(RETRY_AFTER_MS),
    },
  );
}

function findRoute(routes: readonly SimRoute[], method: string, pathname: string) {
  for (const route of routes) {
    const params = route.method === method ? matchPath(route.path, pathname) : undefined;
    if (params) return { route, params };
  }
  return undefined;
}

function parseConfig(config: SimulatorConfig): SimulatorConfig {
  const parsed = SimulatorConfig.safeParse(config);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((issue) => `simulator.${issue.path.join(".")}: ${issue.message}`)
    .join("; ");
  throw new ConfigError(`invalid simulator settings: ${issues}`);
}

async function loadRegistry(files: readonly string[]): Promise<QuestionRegistry> {
  const registry = new QuestionRegistry();
  for (const file of files) {
    for (const item of await loadBenchmarkItems(file)) registry.add(item, "benchmark");
  }
  return registry;
}

export async function startSimulator(
  input: SimulatorConfig,
  options: SimulatorOptions = {},
): Promise<Simulator> {
  const config = parseConfig(input);
  const logger = options.logger;
  const sim: SimContext = {
    config,
    skills: new SkillBook(config.models),
    registry: await loadRegistry(config.benchmarks),
    stats: new StatsRecorder(),
    chance: Rng.of(config.seed, "chance"),
    logger,
    startedAt: Math.floor(Date.now() / 1000),
  };
  const routes: SimRoute[] = ROUTE_MODULES.flatMap((module) => module(sim));
  let inFlight = 0;

  const fail = (res: ServerResponse, err: unknown) => {
    if (err instanceof BadRequestError) {
      return sendError(res, 400, {
        message: err.message,
        type: "invalid_request_error",
        code: null,
        param: err.param,
      });
    }
    logger?.error({ err }, "simulator request failed");
    if (!res.headersSent)
      sendError(res, 500, {
        message: `The simulator failed: ${errorMessage(err)}`,
        type: "server_error",
        code: null,
      });
    else res.destroy();
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? "/", "http://simulator").pathname;
    const found = findRoute(routes, req.method ?? "GET", pathname);
    if (!found) {
      sim.stats.request("unmatched");
      const message = `Unknown request URL: ${req.method} ${pathname}. The simulator serves GET /v1/models, POST /v1/chat/completions and POST /v1/embeddings.`;
      return sendError(res, 404, { message, type: "invalid_request_error", code: "unknown_url" });
    }
    const { route, params } = found;
    sim.stats.request(`${route.method} ${route.path}`);
    const fault = route.servesModel ? drawFault(sim.chance, config.faults) : undefined;
    if (route.servesModel && config.maxConcurrency !== undefined && inFlight >= config.maxConcurrency) {
      sim.stats.fault("overloaded");
      return rateLimited(
        res,
        `Too many concurrent requests: at most ${config.maxConcurrency} at once. Please try again in ${RETRY_AFTER_MS}ms.`,
      );
    }
    inFlight++;
    res.once("close", () => inFlight--);
    const aborted = new AbortController();
    res.once("close", () => aborted.abort());
    if (fault === "rate_limit" || fault === "server_error" || fault === "timeout") {
      sim.stats.fault(fault);
      if (fault === "rate_limit")
        return rateLimited(res, `Rate limit reached for requests. Please try again in ${RETRY_AFTER_MS}ms.`);
      if (fault === "server_error") {
        return sendError(res, 500, {
          message: "The server had an error while processing your request. Sorry about that!",
          type: "server_error",
          code: null,
        });
      }
      // Hold without answering, as an overloaded server does, until the client gives up or the cap passes.
      const timer = setTimeout(() => req.socket.destroy(), HOLD_CAP_MS);
      res.once("close", () => clearTimeout(timer));
      return;
    }
    try {
      await route.handle({ req, res, params, fault, signal: aborted.signal });
    } catch (err) {
      if (aborted.signal.aborted) logger?.debug({ route: route.path }, "client went away before the reply");
      else fail(res, err);
    }
  }

  const server = createServer((req, res) => {
    dispatch(req, res).catch((err: unknown) => fail(res, err));
  });
  server.listen(config.port, options.host ?? "127.0.0.1");
  try {
    await once(server, "listening");
  } catch (err) {
    throw new SystemError(
      `simulator cannot listen on port ${config.port} (${errorMessage(err)}); pick another port or 0 for a free one`,
      { cause: err },
    );
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/v1`;
  logger?.info({ url, models: sim.skills.names(), benchmarkItems: sim.registry.size }, "simulator listening");
  return {
    url,
    port,
    skills: sim.skills,
    stats: () => sim.stats.snapshot(),
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
