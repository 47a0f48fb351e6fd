import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { SimulatorConfig } from "./config.ts";
import type { InjectedFault } from "./faults.ts";
import type { QuestionRegistry } from "./items/registry.ts";
import type { Rng } from "./random.ts";
import type { SampleCounter } from "./sampling.ts";
import type { SkillBook } from "./skill-book.ts";
import type { StatsRecorder } from "./stats.ts";

/**
 * The contract between the server and its endpoints. Each endpoint module exports a RouteModule; the table in
 * route-table.ts lists them, so a new endpoint family (fine-tuning, files) is one more entry there.
 */

/** The simulator's shared state, handed to every route module. */
export interface SimContext {
  config: SimulatorConfig;
  skills: SkillBook;
  registry: QuestionRegistry;
  stats: StatsRecorder;
  /** Which draw each chat request is: identical prompts get fresh answers, as from a sampled model. */
  samples: SampleCounter;
  /** Seeded stream for faults and latency jitter. */
  chance: Rng;
  logger: Logger | undefined;
  /** Unix seconds at start, for `created` fields. */
  startedAt: number;
}

export interface RouteCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** Values of `:name` path segments. */
  params: Record<string, string>;
  /** On model-serving routes, a fault the handler itself must apply ("malformed", and "server_error" where it bills failures); the server handles the rest. */
  fault: InjectedFault | undefined;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface SimRoute {
  method: "GET" | "POST" | "DELETE";
  /** e.g. "/v1/models/:id"; a last segment ":name+" takes the rest of the path (model names may hold "/"). */
  path: string;
  /** Model-serving routes count against maxConcurrency and get injected faults. */
  servesModel?: boolean;
  /**
   * The route applies the server_error fault itself, billing the prompt it read before failing, as some
   * servers and proxies do; the server answers that fault for other routes.
   */
  billsFailures?: boolean;
  handle: (call: RouteCall) => Promise<void>;
}

export type RouteModule = (sim: SimContext) => readonly SimRoute[];

/** Path parameters when `pathname` matches `pattern`, else undefined. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = pathname.replace(/\/+$/, "").split("/");
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] ?? "";
    if (segment.startsWith(":") && segment.endsWith("+")) {
      if (i >= got.length) return undefined;
      params[segment.slice(1, -1)] = decodeURIComponent(got.slice(i).join("/"));
      return params;
    }
    const actual = got[i];
    if (actual === undefined) return undefined;
    if (segment.startsWith(":")) params[segment.slice(1)] = decodeURIComponent(actual);
    else if (segment !== actual) return undefined;
  }
  return want.length === got.length ? params : undefined;
}
