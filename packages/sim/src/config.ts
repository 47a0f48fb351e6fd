import { z } from "zod";
import { LIMITS } from "../../../config/topology.ts";

/**
 * The simulator's settings: the `simulator:` block of a topology, or the flags of `nanoflux sim`. The topology
 * schema keeps that block opaque; the nanoflux command that starts the simulator checks it with this schema.
 */

const Path = z.string().max(LIMITS.pathLength, { abort: true });

export const SimulatedModel = z.strictObject({
  name: z.string().max(LIMITS.modelNameLength, { abort: true }),
  skill: z.number().min(0).max(1).describe("0..1: chance of getting each reasoning hop right"),
  rateMalformed: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("this model's own share of unusable replies (truncated, off-schema or refused JSON)"),
});
export type SimulatedModel = z.infer<typeof SimulatedModel>;

export const SimulatorConfig = z.strictObject({
  port: z.number().int().nonnegative().max(LIMITS.port).default(0),
  seed: z.number().int().default(7),
  models: z.array(SimulatedModel).max(LIMITS.models).default([]),
  latencyMs: z.number().nonnegative().max(LIMITS.durationMs).default(0),
  tokensPerSecond: z.number().positive().optional(),
  maxConcurrency: z.number().int().positive().max(LIMITS.concurrency).optional(),
  benchmarks: z
    .array(Path)
    .max(LIMITS.benchmarks)
    .default([])
    .describe("benchmark JSONL files whose answers simulated models know"),
  faults: z
    .strictObject({
      rate429: z.number().min(0).max(1).default(0),
      rate500: z.number().min(0).max(1).default(0),
      rateTimeout: z.number().min(0).max(1).default(0),
      rateMalformed: z.number().min(0).max(1).default(0),
    })
    .default({ rate429: 0, rate500: 0, rateTimeout: 0, rateMalformed: 0 }),
});
export type SimulatorConfig = z.infer<typeof SimulatorConfig>;
