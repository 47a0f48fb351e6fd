import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import { z } from "zod";
import { ModelConfig } from "../../config/topology.ts";
import type { ChatModelDeps } from "../../llm/openai-model.ts";
import { unlimitedLedger } from "../../llm/spending.ts";
import type { TokenUsage } from "../../protocol/schemas.ts";
import {
  type ScriptedOpenAIServer,
  type ScriptStep,
  startScriptedOpenAIServer,
} from "../support/scripted-openai-server.ts";

/** Shared set-up for the adapter tests: a model config, fast retry timing, and a logger that keeps its lines. */

export function modelConfig(
  baseUrl: string,
  overrides: Partial<z.input<typeof ModelConfig>> = {},
): ModelConfig {
  return ModelConfig.parse({
    id: "m1",
    baseUrl,
    model: "test-model",
    maxRetries: 2,
    timeoutMs: 5_000,
    ...overrides,
  });
}

const LogLine = z.looseObject({ level: z.number(), msg: z.string() });
type LogLine = z.infer<typeof LogLine>;

export interface CapturedLog {
  logger: Logger;
  raw: string[];
  lines(): LogLine[];
  at(level: "debug" | "info" | "warn"): LogLine[];
}

export function captureLog(): CapturedLog {
  const raw: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void raw.push(line) });
  const lines = () => raw.map((line) => LogLine.parse(JSON.parse(line)));
  return {
    logger,
    raw,
    lines,
    at: (level) => lines().filter((line) => line.level === pino.levels.values[level]),
  };
}

/** Deps for OpenAIChatModel with millisecond backoff, so retry tests run fast. */
export function testDeps(
  overrides: Partial<ChatModelDeps> = {},
): ChatModelDeps & { usages: TokenUsage[]; log: CapturedLog } {
  const usages: TokenUsage[] = [];
  const log = captureLog();
  return {
    env: {},
    logger: log.logger,
    ledger: unlimitedLedger(async (charge, billed) => {
      usages.push({ model: charge.model, role: charge.role, ...billed, calls: 1 });
    }),
    retryTiming: { baseDelayMs: 1, maxDelayMs: 2_000 },
    ...overrides,
    usages,
    log,
  };
}

/** Scripted servers a test file starts; `closeAll` (in afterEach) stops them and checks each script ran fully. */
export function scriptedServerPool() {
  const servers: ScriptedOpenAIServer[] = [];
  return {
    serve: async (...steps: ScriptStep[]): Promise<ScriptedOpenAIServer> => {
      const server = await startScriptedOpenAIServer(steps);
      servers.push(server);
      return server;
    },
    closeAll: async (): Promise<void> => {
      const done = servers.splice(0);
      await Promise.all(done.map((server) => server.close()));
      for (const server of done) server.assertScriptDone();
    },
  };
}

/** An API root on which nothing listens: a port the OS just handed out and took back. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}
