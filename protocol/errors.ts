/**
 * Error classes and the one error model every layer uses.
 *
 * Every NanofluxError carries a `code` from the closed set ERROR_CODES below. The code, not the class or the
 * message, decides what happens next; `errorInfo(err)` gives it for any thrown value:
 *
 * - kind: whose move it is. `input`: the user's settings or environment are wrong (ConfigError); the message
 *   names the field and the fix. `model`: a model answered something unusable (ModelError). `system`: a server,
 *   the network or the machine failed (SystemError), or a bug (INTERNAL: any error that is not a NanofluxError).
 *   `budget`: the run's token or money budget cannot pay for the call (BudgetExceededError).
 * - retryable: trying the same thing again, unchanged, may succeed. Input and budget errors never are: a bad
 *   key stays bad and a spent budget stays spent. Rate limits, 5xx answers, timeouts, lost connections and
 *   NATS outages are; so is unusable model output (the next sample may be fine). llm/resilient-call.ts retries
 *   an HTTP call only on a retryable code; a stage machine should retry an attempt only on one too.
 * - exitCode: what the CLI exits with when the error ends a command (cli/errors.ts): 2 for input, 1 otherwise.
 *
 * On the bus, a message published because something failed (a dead letter, a round closed as failed) carries
 * the code in the ERROR_CODE_HEADER header, so a reader can sort failures without parsing prose.
 */

export type ErrorKind = "input" | "model" | "system" | "budget";

interface CodeSpec {
  kind: ErrorKind;
  retryable: boolean;
  /** One line for the docs: what the code means. */
  meaning: string;
}

const input = (meaning: string) => ({ kind: "input", retryable: false, meaning }) as const;
const model = (meaning: string) => ({ kind: "model", retryable: true, meaning }) as const;
const system = (retryable: boolean, meaning: string) => ({ kind: "system", retryable, meaning }) as const;

/** The closed set of error codes. Add a code here before throwing it; the compiler rejects any other. */
export const ERROR_CODES = {
  // input: fix the setting and run again.
  CONFIG: input("a setting is wrong; the message names the field and the fix"),
  TOPOLOGY_TOO_LARGE: input("the topology file is over its size limit"),
  BAD_REQUEST: input("a request to nanoflux's own HTTP API (the simulator) is malformed"),
  NATS_URL: input("nats.url / NATS_URL is not a NATS server URL"),
  NATS_AUTH: input("the NATS server refused the credentials"),
  NATS_AUTH_CONFLICT: input("NATS credentials are given two ways at once"),
  NATS_TLS: input("the TLS handshake with NATS failed, or a TLS file is wrong"),
  NATS_REPLICAS: input("nats.replicas > 1 on a server that is not part of a cluster"),
  NATS_NO_JETSTREAM: input("the NATS server does not run JetStream"),
  MODEL_AUTH: input("the model endpoint rejected the API key (401/403)"),
  MODEL_NOT_FOUND: input("the model endpoint answered 404: wrong baseUrl or model name"),
  MODEL_QUOTA: input("the model account's quota is exhausted (429 insufficient_quota)"),
  // model: the model answered, but not usably; another sample may do.
  MODEL: model("a model misbehaved"),
  MODEL_EMPTY: model("a completion without choices"),
  MODEL_REFUSED: model("the model refused, or the provider's content filter stopped it"),
  MODEL_TRUNCATED: model("the answer hit the output token limit, even after one retry"),
  MODEL_MALFORMED: model("the answer did not match the output schema, even after one repair"),
  // system: infrastructure; retryable where the fault is transient.
  SYSTEM: system(false, "a server, the network or the machine failed"),
  INTERNAL: system(false, "an error that is not a NanofluxError: a bug or an unforeseen failure"),
  NATS_MISSING: system(false, "nats-server is not installed and no NATS_URL is set"),
  NATS_UNREACHABLE: system(true, "cannot connect to the NATS server"),
  NATS_UNAVAILABLE: system(true, "NATS or JetStream did not answer in time (restart, failover)"),
  NATS_CONFLICT: system(true, "a compare-and-set write kept losing to other writers"),
  STATE_CORRUPT: system(false, "a document in the run's KV bucket does not match its schema"),
  INVALID_MESSAGE: system(false, "a bus message failed its schema and was dead-lettered"),
  MODEL_UNREACHABLE: system(true, "the model endpoint cannot be reached"),
  MODEL_TIMEOUT: system(true, "the model endpoint did not answer within timeoutMs"),
  MODEL_RATE_LIMITED: system(true, "the model endpoint kept answering 429"),
  MODEL_UNAVAILABLE: system(true, "the model endpoint answered 5xx (or 408/409)"),
  MODEL_CIRCUIT_OPEN: system(false, "calls to an endpoint that keeps failing fail fast until its cool-down"),
  MODEL_REQUEST_REJECTED: system(false, "the model endpoint rejected the request (another 4xx)"),
  MODEL_UNEXPECTED: system(false, "the model endpoint's answer could not be read"),
  // budget: the run stops opening work; nothing to retry.
  BUDGET: { kind: "budget", retryable: false, meaning: "the token or money budget cannot cover the call" },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of one kind: each error class accepts only its own. */
export type ErrorCodeOf<K extends ErrorKind> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]["kind"] extends K ? C : never;
}[ErrorCode];

/** Exit codes of the CLI, by kind. */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = { input: 2, model: 1, system: 1, budget: 1 };

/** The header a bus message carries when it was published because of an error: its ErrorCode. */
export const ERROR_CODE_HEADER = "Nf-Error-Code";

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

export interface NanofluxErrorOptions<C extends ErrorCode = ErrorCode> {
  cause?: unknown;
  code?: C;
}

export class NanofluxError extends Error {
  readonly code: ErrorCode;
  constructor(message: string, options?: NanofluxErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code ?? "INTERNAL";
  }
}

/** The user's input is wrong: the message says which field and how to fix it. */
export class ConfigError extends NanofluxError {
  constructor(message: string, options?: NanofluxErrorOptions<ErrorCodeOf<"input">>) {
    super(message, { code: "CONFIG", ...options });
  }
}

/** A server, the network or the machine failed. */
export class SystemError extends NanofluxError {
  constructor(message: string, options?: NanofluxErrorOptions<ErrorCodeOf<"system">>) {
    super(message, { code: "SYSTEM", ...options });
  }
}

/** A model returned something unusable: garbage, a refusal, a truncated or schema-violating answer. */
export class ModelError extends NanofluxError {
  constructor(message: string, options?: NanofluxErrorOptions<ErrorCodeOf<"model">>) {
    super(message, { code: "MODEL", ...options });
  }
}

/** A budget (tokens or money) ran out: the run stops cleanly. */
export class BudgetExceededError extends NanofluxError {
  constructor(message: string) {
    super(message, { code: "BUDGET" });
  }
}

export interface ErrorInfo {
  code: ErrorCode;
  kind: ErrorKind;
  retryable: boolean;
  exitCode: number;
}

export function codeInfo(code: ErrorCode): ErrorInfo {
  const { kind, retryable } = ERROR_CODES[code];
  return { code, kind, retryable, exitCode: EXIT_CODES[kind] };
}

/** How deep `errorInfo` looks through `cause` for a NanofluxError under a wrapper. */
const MAX_CAUSE_DEPTH = 8;

/** The first NanofluxError on an error's cause chain: an error that wraps one (a framework's) keeps its meaning. */
export function nanofluxErrorOf(err: unknown): NanofluxError | undefined {
  let current = err;
  for (let depth = 0; current instanceof Error && depth < MAX_CAUSE_DEPTH; depth++) {
    if (current instanceof NanofluxError) return current;
    current = current.cause;
  }
  return undefined;
}

/** What to do about any thrown value: its NanofluxError's code, INTERNAL when it has none. */
export function errorInfo(err: unknown): ErrorInfo {
  const found = nanofluxErrorOf(err);
  return codeInfo(found ? knownCode(found) : "INTERNAL");
}

/**
 * Whether a stage's failed model answer is worth another attempt: not when the setting is wrong (an input error:
 * a bad key, an unknown model) or the budget refused it, which no second answer changes.
 */
export function worthAnotherAttempt(err: unknown): boolean {
  const { kind } = errorInfo(err);
  return kind !== "input" && kind !== "budget";
}

/** A plug-in written in JavaScript can put any string in `code`: an unknown one counts as its class's default. */
function knownCode(err: NanofluxError): ErrorCode {
  if (isErrorCode(err.code)) return err.code;
  if (err instanceof ConfigError) return "CONFIG";
  if (err instanceof ModelError) return "MODEL";
  if (err instanceof BudgetExceededError) return "BUDGET";
  if (err instanceof SystemError) return "SYSTEM";
  return "INTERNAL";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
