import { z } from "zod";
import { Level } from "../core/schemas.ts";
import { Hyperparameters, TrainingBackendName } from "../trainer/messages.ts";
import { crossReferenceIssues } from "./cross-references.ts";

/**
 * The topology file: which models exist, which agents run, what the run is for. Objects are strict, so a
 * misspelt key is an error with its path rather than a silently ignored setting.
 */

const Id = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, "use letters, digits, '-' and '_' (no dots or spaces)");

export const Price = z.strictObject({
  inputPerMTok: z.number().nonnegative().describe("USD per million input tokens"),
  outputPerMTok: z.number().nonnegative().describe("USD per million output tokens"),
});
export type Price = z.infer<typeof Price>;

export const ModelConfig = z.strictObject({
  id: Id.describe("name other sections use to refer to this model"),
  baseUrl: z.url().describe("OpenAI-compatible endpoint, e.g. http://localhost:8000/v1"),
  model: z.string().min(1).describe("model name sent to the endpoint"),
  apiKeyEnv: z.string().optional().describe("environment variable holding the API key"),
  maxConcurrency: z.number().int().positive().default(4),
  timeoutMs: z.number().int().positive().default(120_000),
  maxRetries: z.number().int().nonnegative().default(4),
  structuredOutput: z
    .enum(["json_schema", "json_object"])
    .default("json_schema")
    .describe("json_schema where the server supports it; json_object for servers that only do JSON mode"),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  price: Price.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export const AgentConfig = z.strictObject({
  type: z
    .string()
    .min(1)
    .describe("a built-in type (scheduler, attacker, defender, judge, curator, trainer) or a plug-in's"),
  replicas: z.number().int().positive().default(1),
  model: z
    .string()
    .optional()
    .describe("model id this agent calls, where its role does not come from the round"),
  concurrency: z.number().int().positive().optional().describe("messages one replica handles at once"),
  module: z
    .string()
    .optional()
    .describe("path of a plug-in module exporting an agent made with defineAgent()"),
  options: z.record(z.string(), z.unknown()).default({}),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export const RunConfig = z.strictObject({
  domains: z.array(z.string().min(1)).min(1).default(["math"]),
  concurrency: z.number().int().positive().default(4).describe("rounds in flight at once"),
  roundTimeoutMs: z.number().int().positive().default(600_000),
  maxDeliveries: z.number().int().positive().default(5).describe("deliveries per stage before a round fails"),
  modelAttempts: z
    .number()
    .int()
    .positive()
    .default(2)
    .describe("model answers tried per stage before a round fails"),
  ackWaitMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe("redelivery delay when an agent dies mid-message"),
  maxRounds: z.number().int().positive().optional().describe("give up after this many rounds"),
  seed: z.number().int().default(1),
  outDir: z.string().default("runs"),
  budget: z
    .strictObject({
      tokens: z.number().int().positive().optional().describe("stop the run after this many tokens"),
      usd: z
        .number()
        .positive()
        .optional()
        .describe("stop the run after this much money (needs model prices)"),
    })
    .optional()
    .describe("the run stops cleanly, with its report and partial dataset, when a limit is reached"),
});
export type RunConfig = z.infer<typeof RunConfig>;

export const TournamentConfig = z.strictObject({
  models: z.array(z.string()).min(1).optional().describe("model ids that play; default: every model"),
  pairing: z.enum(["round-robin", "random"]).default("round-robin"),
  swapEvery: z.number().int().positive().default(1).describe("swap Attacker and Defender every k rounds"),
  selfPlay: z.boolean().default(true).describe("let a model attack itself when it is the only one"),
  targetDefenderSuccess: z.number().min(0).max(1).default(0.5),
  startComplexity: z.number().int().min(1).max(5).default(3),
  adaptComplexity: z.boolean().default(true),
});
export type TournamentConfig = z.infer<typeof TournamentConfig>;

export const DecontaminationConfig = z.strictObject({
  benchmarks: z.array(z.string()).default([]).describe("JSONL files of evaluation items to keep out"),
  similarityThreshold: z.number().min(0).max(1).default(0.9),
  ngramSize: z.number().int().min(3).default(8),
  ngramOverlap: z.number().min(0).max(1).default(0.5),
});

export const CurationConfig = z.strictObject({
  target: z.number().int().positive().default(200).describe("accepted samples that end the run"),
  levels: z.array(Level).min(1).default(["L4"]),
  accept: z
    .enum(["attacks_only", "attacks_and_defended"])
    .default("attacks_and_defended")
    .describe("keep only successful attacks, or also well-defended items in the quality band"),
  noveltyThreshold: z.number().min(0).max(1).default(0.88).describe("max cosine similarity to kept items"),
  screenReplays: z
    .boolean()
    .default(true)
    .describe(
      "reject at the early gate a question this run already played and rejected for its quality, outcome or validity",
    ),
  complexityMix: z
    .record(z.string(), z.number().nonnegative())
    .optional()
    .describe("share per complexity 1-5"),
  domainMix: z.record(z.string(), z.number().nonnegative()).optional().describe("share per domain"),
  embedder: z
    .strictObject({ kind: z.enum(["local", "openai"]).default("local"), model: z.string().optional() })
    .default({ kind: "local" }),
  storePath: z
    .string()
    .optional()
    .describe("LanceDB folder shared across runs; default: inside the run folder"),
  decontamination: DecontaminationConfig.default({
    benchmarks: [],
    similarityThreshold: 0.9,
    ngramSize: 8,
    ngramOverlap: 0.5,
  }),
});
export type CurationConfig = z.infer<typeof CurationConfig>;

export const NatsConfig = z.strictObject({
  url: z
    .string()
    .optional()
    .describe("nats://host:port, comma-separated for a cluster; absent: embedded server"),
  user: z.string().optional(),
  pass: z.string().optional(),
  token: z.string().optional(),
  credsFile: z.string().optional(),
  nkeySeed: z.string().optional(),
  tls: z
    .strictObject({
      caFile: z.string().optional(),
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
    })
    .optional(),
  replicas: z.number().int().min(1).max(5).default(1).describe("JetStream stream replicas (3 on a cluster)"),
});
export type NatsConfig = z.infer<typeof NatsConfig>;

export const SimulatedModel = z.strictObject({
  name: z.string(),
  skill: z.number().min(0).max(1).describe("0..1: chance of getting each reasoning hop right"),
  rateMalformed: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("this model's own share of unusable replies (truncated, off-schema or refused JSON)"),
});

export const SimulatorConfig = z.strictObject({
  port: z.number().int().nonnegative().default(0),
  seed: z.number().int().default(7),
  models: z.array(SimulatedModel).default([]),
  latencyMs: z.number().nonnegative().default(0),
  tokensPerSecond: z.number().positive().optional(),
  maxConcurrency: z.number().int().positive().optional(),
  benchmarks: z
    .array(z.string())
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

export const TrainingConfig = z.strictObject({
  backend: TrainingBackendName.default("openai").describe(
    "openai: an OpenAI-compatible fine-tuning API; gpu-hosts: `nanoflux trainer-host` machines taking jobs from NATS",
  ),
  model: z
    .string()
    .optional()
    .describe("id of a models entry: its model is the default baseModel, its baseUrl and key the API's"),
  baseModel: z
    .string()
    .min(1)
    .optional()
    .describe("model to fine-tune: an API model name, or a Hugging Face id on GPU hosts"),
  baseUrl: z.url().optional().describe("fine-tuning API root (openai backend)"),
  apiKeyEnv: z.string().optional().describe("environment variable holding the fine-tuning API key"),
  hyperparameters: Hyperparameters.default(Hyperparameters.parse({})),
  pollMs: z.number().int().positive().default(2000).describe("time between looks at a running job"),
});
export type TrainingConfig = z.infer<typeof TrainingConfig>;

export const Topology = z
  .strictObject({
    name: z.string().default("nanoflux"),
    models: z
      .array(ModelConfig)
      .min(1, "list at least one model")
      .describe("the models agents call, each { id, baseUrl, model }"),
    agents: z
      .array(AgentConfig)
      .min(1, "list at least one agent")
      .describe("the agents to start, each { type }: scheduler, attacker, defender, judge, curator, ..."),
    run: RunConfig.default(RunConfig.parse({})),
    tournament: TournamentConfig.default(TournamentConfig.parse({})),
    curation: CurationConfig.default(CurationConfig.parse({})),
    nats: NatsConfig.default({ replicas: 1 }),
    training: TrainingConfig.optional().describe("how the trainer agent fine-tunes on the finished dataset"),
    simulator: SimulatorConfig.optional().describe(
      "start the built-in simulator; models reach it at ${NANOFLUX_SIM_URL}",
    ),
  })
  .superRefine((topology, ctx) => {
    for (const issue of crossReferenceIssues(topology)) {
      ctx.addIssue({
        code: "custom",
        path: issue.path,
        message: issue.message,
        params: { hint: issue.hint },
      });
    }
  });
export type Topology = z.infer<typeof Topology>;
