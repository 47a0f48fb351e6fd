import type { IncomingMessage, ServerResponse } from "node:http";
import { errorMessage } from "../../../protocol/errors.ts";
import { drawFault, type InjectedFault } from "./faults.ts";
import { BadRequestError, sendError } from "./http.ts";
import { matchPath, type SimContext, type SimRoute } from "./routes.ts";

/**
 * Routes each request through the route table and applies what every model-serving endpoint shares: the
 * concurrency limit and the faults a real server shows (429, 500, a request left hanging).
 */

/** A request hit by the timeout fault is held this long at most, then its connection is dropped. */
const HOLD_CAP_MS = 10 * 60_000;
const RETRY_AFTER_MS = 250;

function findRoute(routes: readonly SimRoute[], method: string, pathname: string) {
  for (const route of routes) {
    const params = route.method === method ? matchPath(route.path, pathname) : undefined;
    if (params) return { route, params };
  }
  return undefined;
}

function rateLimited(res: ServerResponse, message: string): void {
  sendError(
    res,
    429,
    { message, type: "requests", code: "rate_limit_exceeded" },
    { "retry-after": String(Math.ceil(RETRY_AFTER_MS / 1000)), "retry-after-ms": String(RETRY_AFTER_MS) },
  );
}

/** Answers a 429/500 fault, or holds the request for a timeout fault; false when the fault is the route's own. */
function serverFault(req: IncomingMessage, res: ServerResponse, fault: InjectedFault | undefined): boolean {
  if (fault === "rate_limit") {
    rateLimited(res, `Rate limit reached for requests. Please try again in ${RETRY_AFTER_MS}ms.`);
  } else if (fault === "server_error") {
    const message = "The server had an error while processing your request. Sorry about that!";
    sendError(res, 500, { message, type: "server_error", code: null });
  } else if (fault === "timeout") {
    // Hold without answering, as an overloaded server does, until the client gives up or the cap passes.
    const timer = setTimeout(() => req.socket.destroy(), HOLD_CAP_MS);
    res.once("close", () => clearTimeout(timer));
  } else {
    return false;
  }
  return true;
}

export function createDispatcher(sim: SimContext, routes: readonly SimRoute[]) {
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
    sim.logger?.error({ err }, "simulator request failed");
    if (res.headersSent) return res.destroy();
    sendError(res, 500, {
      message: `The simulator failed: ${errorMessage(err)}`,
      type: "server_error",
      code: null,
    });
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? "/", "http://simulator").pathname;
    const found = findRoute(routes, req.method ?? "GET", pathname);
    if (!found) {
      sim.stats.request("unmatched");
      const served = routes.map((r) => `${r.method} ${r.path}`).join(", ");
      const message = `Unknown request URL: ${req.method} ${pathname}. The simulator serves ${served}.`;
      return sendError(res, 404, { message, type: "invalid_request_error", code: "unknown_url" });
    }
    const { route, params } = found;
    sim.stats.request(`${route.method} ${route.path}`);
    const { maxConcurrency, faults } = sim.config;
    const fault = route.servesModel ? drawFault(sim.chance, faults) : undefined;
    if (route.servesModel && maxConcurrency !== undefined && inFlight >= maxConcurrency) {
      sim.stats.fault("overloaded");
      const message = `Too many concurrent requests: at most ${maxConcurrency} at once. Please try again in ${RETRY_AFTER_MS}ms.`;
      return rateLimited(res, message);
    }
    inFlight++;
    const aborted = new AbortController();
    res.once("close", () => {
      inFlight--;
      aborted.abort();
    });
    const routesOwn = fault === "server_error" && route.billsFailures;
    if (fault && !routesOwn && serverFault(req, res, fault)) return sim.stats.fault(fault);
    try {
      await route.handle({ req, res, params, fault, signal: aborted.signal });
    } catch (err) {
      if (aborted.signal.aborted)
        sim.logger?.debug({ route: route.path }, "client went away before the reply");
      else fail(res, err);
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    dispatch(req, res).catch((err: unknown) => fail(res, err));
  };
}
