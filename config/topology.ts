import { z } from "zod";
import { hasUrlCredentials, looksLikeSecret } from "../log/redaction.ts";
import { Level } from "../protocol/schemas.ts";
import { Hyperparameters, TrainingBackendName } from "../protocol/training.ts";
import { crossReferenceIssues } from "./cross-references.ts";
import { DatasetConfig } from "./dataset-config.ts";
import { quoted, SECRET_FIELDS } from "./issues.ts";
import { ResponseCacheConfig } from "./response-cache-config.ts";

/**
 * The topology file: which models exist, which agents run, what the run is for. Objects are strict, so a
 * misspelt key is an error with its path rather than a silently ignored setting.
 */

/**
 * Every string, list and mapping of a topology is bounded, so a careless or hostile file fails validation with
 * the field's path and the limit, rather than later at `up` (a 50 MB name NATS will not carry, 200,000 models).
 */
export const LIMITS = {
  /** Bytes of a topology file. */
  fileBytes: 1024 * 1024,
  /** Model ids, agent types, domain names, keys of mappings. */
  idLength: 64,
  /** The topology's name. */
  nameLength: 200,
  /** One URL. */
  urlLength: 2048,
  /** nats.url: a comma-separated list of server URLs. */
  serverListLength: 8192,
  /** Model names sent to an endpoint, Hugging Face ids. */
  modelNameLength: 256,
  /** File and folder paths. */
  pathLength: 4096,
  /** Names of environment variables. */
  envNameLength: 128,
  /** NATS user names, passwords, tokens and seeds. */
  credentialLength: 4096,
  models: 256,
  agents: 256,
  domains: 64,
  benchmarks: 256,
  levels: 5,
  /** Keys of curation.complexityMix and curation.domainMix. */
  mixKeys: 64,
  /** Keys of an agent's options. */
  optionKeys: 100,
  replicas: 256,
  /** Rounds, messages or requests in flight at once. */
  concurrency: 1024,
  retries: 100,
  /** The longest delay a Node timer can hold (about 24.8 days); a longer one would fire at once. */
  durationMs: 2_147_483_647,
  port: 65_535,
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function text(max: number) {
  return z.string().max(max, { abort: true });
}

const Id = text(LIMITS.idLength).regex(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
  "use letters, digits, '-' and '_' (no dots or spaces)",
);
const IdRef = text(LIMITS.idLength);
const ModelName = text(LIMITS.modelNameLength);
const Path = text(LIMITS.pathLength);
const Credential = text(LIMITS.credentialLength);
SECRET_FIELDS.add(Credential);

/** A whole number of milliseconds a timer can wait. */
const Duration = z.number().int().positive().max(LIMITS.durationMs);

/** An OpenAI-compatible endpoint: http or https, credentials allowed (models send them as HTTP Basic). */
const HttpUrl = text(LIMITS.urlLength)
  .check(z.url({ abort: true }))
  .superRefine((value, ctx) => {
    const scheme = new URL(value).protocol;
    if (scheme !== "http:" && scheme !== "https:")
      ctx.addIssue({
        code: "custom",
        message: `a ${quoted(scheme.slice(0, -1))} URL; only http and https are allowed here`,
        params: { hint: "write an OpenAI-compatible endpoint like http://localhost:8000/v1" },
      });
    // The client appends each route to the base URL as text: a query would end up inside the path.
    const { search, hash } = new URL(value);
    if (search || hash)
      ctx.addIssue({
        code: "custom",
        message: "has a query string or fragment, which the client would send inside every route's path",
        params: {
          hint: "give the endpoint without ?... or #...; send a key through apiKeyEnv, not the URL",
        },
      });
  });

const NATS_SCHEMES = ["nats", "tls", "ws", "wss"];

/** Why one entry of a NATS server list is not a NATS address ("has ...", "is ..."), or undefined. */
export function natsServerProblem(entry: string): string | undefined {
  const server = entry.trim();
  if (server === "") return "is empty";
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(server)?.[1];
  if (scheme === undefined)
    return /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/.test(server.replace(/^[^/]*@/, ""))
      ? undefined
      : "is neither a URL nor a host:port";
  if (!NATS_SCHEMES.includes(scheme.toLowerCase()))
    return `has the scheme ${quoted(scheme)}, not one of ${NATS_SCHEMES.map((s) => `${s}://`).join(", ")}`;
  return URL.canParse(server) ? undefined : "is not a URL";
}

export const NATS_URL_HINT =
  "write nats://host:4222 (or tls://, ws://, wss://, or a bare host:port), comma-separated for a cluster";

const NatsServerList = text(LIMITS.serverListLength).superRefine((value, ctx) => {
  if (value.trim() === "") return; // `url: ${NATS_URL:-}`: unset, an embedded server is started
  const problems = value.split(",").flatMap((entry, i) => {
    const problem = natsServerProblem(entry);
    return problem ? [`entry ${i + 1} (${quoted(entry.trim())}) ${problem}`] : [];
  });
  if (problems.length > 0)
    ctx.addIssue({
      code: "custom",
      message: `not a NATS server list: ${problems.join("; ")}`,
      params: { hint: NATS_URL_HINT },
    });
});

/**
 * The name of an environment variable. A value that is no name, or that looks like a key, is never echoed:
 * people paste the key itself here.
 */
const EnvVarName = z
  .string()
  .superRefine((value, ctx) => {
    // Empty: no key, as when the field is left out (`apiKeyEnv: ${KEY_VAR:-}`).
    if (value === "") return;
    if (ENV_NAME.test(value) && value.length <= LIMITS.envNameLength && !looksLikeSecret(value)) return;
    const fix =
      "put the key in an environment variable (export OPENAI_API_KEY=...) and write the variable's name here, e.g. apiKeyEnv: OPENAI_API_KEY";
    ctx.addIssue(
      looksLikeSecret(value) || value.length > LIMITS.envNameLength
        ? {
            code: "custom",
            message: "this looks like the key itself, not the name of an environment variable",
            params: { hint: fix },
          }
        : {
            code: "custom",
            message: `not an environment variable name (letters, digits and '_', not starting with a digit, at most ${LIMITS.envNameLength} characters)`,
            params: { hint: `write a name like OPENAI_API_KEY; if this is the key itself, ${fix}` },
          },
    );
  })
  // For editors: the schema above is a refinement, which JSON Schema cannot express.
  .meta({ pattern: "^([A-Za-z_][A-Za-z0-9_]*)?$", maxLength: LIMITS.envNameLength });
SECRET_FIELDS.add(EnvVarName);

/**
 * A user:password@ in a baseUrl is sent as HTTP Basic auth, a key from apiKeyEnv as a Bearer token: both in the
 * one Authorization header. Neither silently wins; the file keeps one.
 */
function urlCredentialsConflict(
  section: { baseUrl?: string; apiKeyEnv?: string },
  path: (string | number)[],
  ctx: z.core.$RefinementCtx,
): void {
  if (section.apiKeyEnv && section.baseUrl && hasUrlCredentials(section.baseUrl))
    ctx.addIssue({
      code: "custom",
      path,
      message:
        "baseUrl holds a user:password@ and apiKeyEnv names a key: the endpoint gets one Authorization header",
      params: {
        hint: "keep one: remove apiKeyEnv to send the URL's user and password (HTTP Basic), or take them out of baseUrl to send the key (Bearer)",
      },
    });
}

/** A mapping with at most `max` keys, each a bounded string. */
function boundedRecord<V extends z.ZodType>(value: V, max: number, what: string) {
  return z
    .record(text(LIMITS.idLength), value)
    .superRefine((record, ctx) => {
      const keys = Object.keys(record).length;
      if (keys > max)
        ctx.addIssue({
          code: "custom",
          message: `${keys} keys; at most ${max} are allowed`,
          params: { hint: `give at most ${max} ${what}`, oversized: true },
          // Aborts, so the checks between sections skip an oversized document.
          continue: false,
        });
    })
    .meta({ maxProperties: max });
}

export const Price = z.strictObject({
  inputPerMTok: z.number().nonnegative().describe("USD per million input tokens"),
  outputPerMTok: z.number().nonnegative().describe("USD per million output tokens"),
});
export type Price = z.infer<typeof Price>;

export const ModelConfig = z.strictObject({
  id: Id.describe("name other sections use to refer to this model"),
  baseUrl: HttpUrl.describe(
    "OpenAI-compatible endpoint, e.g. http://localhost:8000/v1; a user:password@ in it is sent as HTTP Basic auth",
  ),
  model: ModelName.min(1).describe("model name sent to the endpoint"),
  apiKeyEnv: EnvVarName.optional().describe("environment variable holding the API key"),
  maxConcurrency: z.number().int().positive().max(LIMITS.concurrency).default(4),
  timeoutMs: Duration.default(120_000),
  maxRetries: z.number().int().nonnegative().max(LIMITS.retries).default(4),
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
  type: IdRef.min(1).describe(
    "a built-in type (scheduler, attacker, defender, judge, curator, trainer) or a plug-in's",
  ),
  replicas: z.number().int().positive().max(LIMITS.replicas).default(1),
  model: IdRef.optional().describe("model id this agent calls, where its role does not come from the round"),
  concurrency: z
    .number()
    .int()
    .positive()
    .max(LIMITS.concurrency)
    .optional()
    .describe("messages one replica handles at once"),
  module: Path.optional().describe("path of a plug-in module exporting an agent made with defineAgent()"),
  options: boundedRecord(z.unknown(), LIMITS.optionKeys, "options").default({}),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export const RunConfig = z.strictObject({
  domains: z.array(IdRef.min(1)).min(1).max(LIMITS.domains).default(["math"]),
  concurrency: z
    .number()
    .int()
    .positive()
    .max(LIMITS.concurrency)
    .default(4)
    .describe("rounds in flight at once"),
  roundTimeoutMs: Duration.default(600_000),
  maxDeliveries: z
    .number()
    .int()
    .positive()
    .max(LIMITS.retries)
    .default(5)
    .describe("deliveries per stage before a round fails"),
  modelAttempts: z
    .number()
    .int()
    .positive()
    .max(LIMITS.retries)
    .default(2)
    .describe("model answers tried per stage before a round fails"),
  ackWaitMs: Duration.default(30_000).describe("redelivery delay when an agent dies mid-message"),
  maxRounds: z.number().int().positive().optional().describe("give up after this many rounds"),
  seed: z.number().int().default(1),
  outDir: Path.default("runs"),
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
  models: z
    .array(IdRef)
    .min(1)
    .max(LIMITS.models)
    .optional()
    .describe("model ids that play; default: every model"),
  pairing: z.enum(["round-robin", "random"]).default("round-robin"),
  swapEvery: z.number().int().positive().default(1).describe("swap Attacker and Defender every k rounds"),
  selfPlay: z.boolean().default(true).describe("let a model attack itself when it is the only one"),
  targetDefenderSuccess: z.number().min(0).max(1).default(0.5),
  startComplexity: z.number().int().min(1).max(5).default(3),
  adaptComplexity: z.boolean().default(true),
});
export type TournamentConfig = z.infer<typeof TournamentConfig>;

export const DecontaminationConfig = z.strictObject({
  benchmarks: z
    .array(Path)
    .max(LIMITS.benchmarks)
    .default([])
    .describe("JSONL files of evaluation items to keep out"),
  similarityThreshold: z.number().min(0).max(1).default(0.9),
  ngramSize: z.number().int().min(3).default(8),
  ngramOverlap: z.number().min(0).max(1).default(0.5),
});

export const CurationConfig = z.strictObject({
  target: z.number().int().positive().default(200).describe("accepted samples that end the run"),
  levels: z.array(Level).min(1).max(LIMITS.levels).default(["L4"]),
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
  complexityMix: boundedRecord(z.number().nonnegative(), LIMITS.mixKeys, "shares")
    .optional()
    .describe("share per complexity 1-5"),
  domainMix: boundedRecord(z.number().nonnegative(), LIMITS.mixKeys, "shares")
    .optional()
    .describe("share per domain"),
  embedder: z
    .strictObject({ kind: z.enum(["local", "openai"]).default("local"), model: ModelName.optional() })
    .default({ kind: "local" }),
  storePath: Path.optional().describe("LanceDB folder shared across runs; default: inside the run folder"),
  decontamination: DecontaminationConfig.default({
    benchmarks: [],
    similarityThreshold: 0.9,
    ngramSize: 8,
    ngramOverlap: 0.5,
  }),
});
export type CurationConfig = z.infer<typeof CurationConfig>;

export const NatsConfig = z.strictObject({
  url: NatsServerList.optional().describe(
    "nats://host:port, comma-separated for a cluster; nats://user:pass@host or nats://token@host carry credentials; absent: embedded server",
  ),
  user: text(LIMITS.modelNameLength).optional(),
  pass: Credential.optional(),
  token: Credential.optional(),
  credsFile: Path.optional(),
  nkeySeed: Credential.optional(),
  tls: z
    .strictObject({
      caFile: Path.optional(),
      certFile: Path.optional(),
      keyFile: Path.optional(),
    })
    .optional(),
  replicas: z.number().int().min(1).max(5).default(1).describe("JetStream stream replicas (3 on a cluster)"),
});
export type NatsConfig = z.infer<typeof NatsConfig>;

export const TrainingConfig = z.strictObject({
  backend: TrainingBackendName.default("openai").describe(
    "openai: an OpenAI-compatible fine-tuning API; gpu-hosts: `nanoflux trainer-host` machines taking jobs from NATS",
  ),
  model: IdRef.optional().describe(
    "id of a models entry: its model is the default baseModel, its baseUrl and key the API's",
  ),
  baseModel: ModelName.min(1)
    .optional()
    .describe("model to fine-tune: an API model name, or a Hugging Face id on GPU hosts"),
  baseUrl: HttpUrl.optional().describe(
    "fine-tuning API root (openai backend); a user:password@ in it is sent as HTTP Basic auth",
  ),
  apiKeyEnv: EnvVarName.optional().describe("environment variable holding the fine-tuning API key"),
  hyperparameters: Hyperparameters.default(Hyperparameters.parse({})),
  pollMs: Duration.default(2000).describe("time between looks at a running job"),
});
export type TrainingConfig = z.infer<typeof TrainingConfig>;

export const Topology = z
  .strictObject({
    name: text(LIMITS.nameLength).default("nanoflux"),
    models: z
      .array(ModelConfig)
      .min(1, "list at least one model")
      .max(LIMITS.models)
      .describe("the models agents call, each { id, baseUrl, model }"),
    agents: z
      .array(AgentConfig)
      .min(1, "list at least one agent")
      .max(LIMITS.agents)
      .describe("the agents to start, each { type }: scheduler, attacker, defender, judge, curator, ..."),
    run: RunConfig.default(RunConfig.parse({})),
    tournament: TournamentConfig.default(TournamentConfig.parse({})),
    curation: CurationConfig.default(CurationConfig.parse({})),
    nats: NatsConfig.default({ replicas: 1 }),
    training: TrainingConfig.optional().describe("how the trainer agent fine-tunes on the finished dataset"),
    dataset: DatasetConfig.default(DatasetConfig.parse({})).describe(
      "how the dataset is published: licence, name, card",
    ),
    responseCache: ResponseCacheConfig.default(ResponseCacheConfig.parse({})).describe(
      "answer a model request already paid for from the cache; off unless asked",
    ),
    simulator: boundedRecord(z.unknown(), LIMITS.optionKeys, "simulator options")
      .optional()
      .describe(
        "options for the built-in simulator, checked by the nanoflux command that starts it; models reach it at ${NANOFLUX_SIM_URL}",
      ),
  })
  .superRefine((topology, ctx) => {
    for (const [i, model] of topology.models.entries())
      urlCredentialsConflict(model, ["models", i, "apiKeyEnv"], ctx);
    if (topology.training) urlCredentialsConflict(topology.training, ["training", "apiKeyEnv"], ctx);
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
