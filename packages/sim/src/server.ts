import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { z } from "zod";
import { ConfigError, errorMessage, SystemError } from "../../../protocol/errors.ts";
import { SimulatorConfig } from "./config.ts";
import { createDispatcher } from "./dispatch.ts";
import { loadBenchmarkItems } from "./items/benchmarks.ts";
import { QuestionRegistry } from "./items/registry.ts";
import { Rng } from "./random.ts";
import { ROUTE_MODULES } from "./route-table.ts";
import type { SimContext } from "./routes.ts";
import { SampleCounter } from "./sampling.ts";
import { SkillBook } from "./skill-book.ts";
import { type SimulatorStats, StatsRecorder } from "./stats.ts";

/**
 * The OpenAI-compatible simulator: a plain node:http server over the route table (route-table.ts), with the
 * shared state every route module gets. It plays every NanoFlux role deterministically from a seed.
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

/** Settings as written: every field with a default may be left out. */
export type SimulatorSettings = z.input<typeof SimulatorConfig>;

function parseConfig(config: SimulatorSettings): SimulatorConfig {
  const parsed = SimulatorConfig.safeParse(config);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((issue) => `simulator.${issue.path.join(".")}: ${issue.message}`)
    .join("; ");
  throw new ConfigError(`invalid simulator settings: ${issues}`);
}

/** The last start time handed out in this process, in Unix seconds. */
let lastStart = 0;

/**
 * Unix seconds of a start, the `created` its GET /v1/models reports: later than any simulator started before in
 * this process, so a simulator restarted on the same port (with other skills, as a server with other weights
 * behind the same name) describes its models differently even within the same second.
 */
function startTime(): number {
  lastStart = Math.max(Math.floor(Date.now() / 1000), lastStart + 1);
  return lastStart;
}

async function loadRegistry(files: readonly string[]): Promise<QuestionRegistry> {
  const registry = new QuestionRegistry();
  for (const file of files) {
    for (const item of await loadBenchmarkItems(file)) registry.add(item, "benchmark");
  }
  return registry;
}

export async function startSimulator(
  input: SimulatorSettings = {},
  options: SimulatorOptions = {},
): Promise<Simulator> {
  const config = parseConfig(input);
  const logger = options.logger;
  const sim: SimContext = {
    config,
    skills: new SkillBook(config.models),
    registry: await loadRegistry(config.benchmarks),
    stats: new StatsRecorder(),
    samples: new SampleCounter(),
    chance: Rng.of(config.seed, "chance"),
    logger,
    startedAt: startTime(),
  };
  const routes = ROUTE_MODULES.flatMap((module) => module(sim));
  const server = createServer(createDispatcher(sim, routes));
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
  logger?.debug(
    { url, models: sim.skills.names(), benchmarkItems: sim.registry.size },
    "simulator listening",
  );
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
