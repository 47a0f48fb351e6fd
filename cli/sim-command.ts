import { Command, InvalidArgumentError } from "commander";
import { createLogger } from "../log/logger.ts";
import { SimulatorConfig, startSimulator } from "../packages/sim/src/index.ts";
import { ConfigError } from "../protocol/errors.ts";
import { onStopSignal } from "../terminal/signals.ts";

/** `nanoflux sim`: the simulator as a standalone server, for dry runs, demos and load estimates. */

export interface SimFlags {
  port?: number;
  host: string;
  seed?: number;
  latencyMs?: number;
  tokensPerSecond?: number;
  maxConcurrency?: number;
  rate429?: number;
  rate500?: number;
  rateTimeout?: number;
  rateMalformed?: number;
  model: { name: string; skill: number }[];
  benchmarks?: string[];
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("expected a number");
  return n;
}

function modelSkill(value: string, previous: { name: string; skill: number }[]) {
  const match = /^(.+)=([^=]+)$/.exec(value);
  const skill = Number(match?.[2]);
  if (!match?.[1] || !Number.isFinite(skill))
    throw new InvalidArgumentError("expected name=skill, e.g. qwen3-4b=0.6");
  return [...previous, { name: match[1], skill }];
}

/** Flags -> SimulatorConfig; zod supplies the defaults and reports every bad value with its flag's name. */
export function configFromFlags(flags: SimFlags): SimulatorConfig {
  const parsed = SimulatorConfig.safeParse({
    port: flags.port,
    seed: flags.seed,
    models: flags.model,
    latencyMs: flags.latencyMs,
    tokensPerSecond: flags.tokensPerSecond,
    maxConcurrency: flags.maxConcurrency,
    benchmarks: flags.benchmarks,
    faults: {
      rate429: flags.rate429,
      rate500: flags.rate500,
      rateTimeout: flags.rateTimeout,
      rateMalformed: flags.rateMalformed,
    },
  });
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => `${flagOf(issue.path)}: ${issue.message}`).join("; "),
  );
}

/** The command-line flag behind a config path: faults.rate429 -> --rate-429, models.0.skill -> --model. */
function flagOf(path: readonly PropertyKey[]): string {
  const key = String(path[0] === "faults" ? path[1] : path[0] === "models" ? "model" : path[0]);
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/(\d+)/, "-$1")}`;
}

export function simCommand(): Command {
  return new Command("sim")
    .description(
      "serve an OpenAI-compatible simulator that plays every NanoFlux role from a seed (no API key)",
    )
    .option("--port <n>", "port to listen on; 0 picks a free one", number)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--seed <n>", "seed for everything the simulator invents", number)
    .option("--latency-ms <ms>", "mean time to first token", number)
    .option("--tokens-per-second <n>", "generation speed after the first token", number)
    .option("--max-concurrency <n>", "requests served at once; more get 429 with Retry-After", number)
    .option("--rate-429 <p>", "share of requests answered 429 (0..1)", number)
    .option("--rate-500 <p>", "share of requests answered 500 (0..1)", number)
    .option("--rate-timeout <p>", "share of requests held unanswered (0..1)", number)
    .option(
      "--rate-malformed <p>",
      "share of replies malformed: prose, truncated, off-schema or refused (0..1)",
      number,
    )
    .option(
      "--model <name=skill>",
      "a model and its per-hop skill 0..1 (repeatable; other names get 0.7)",
      modelSkill,
      [],
    )
    .option("--benchmarks <files...>", "benchmark JSONL files whose answers the simulated models know")
    .action(async (flags: SimFlags) => {
      const sim = await startSimulator(configFromFlags(flags), { logger: createLogger(), host: flags.host });
      process.stdout.write(`${sim.url}\n`);
      await onStopSignal();
      await sim.close();
    });
}
