import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import type { ModelConfig } from "../config/topology.ts";
import { hasUrlCredentials, looksLikeSecret, urlForDisplay } from "../log/redaction.ts";
import { ConfigError, errorMessage, type NanofluxError, SystemError } from "../protocol/errors.ts";
import { retryAfterMs } from "./retry-policy.ts";

/**
 * What went wrong talking to a model endpoint, sorted by what to do about it: retry (rate limits, server
 * errors, timeouts, lost connections) or stop and tell the user what to fix.
 */

export type FailureKind =
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "unreachable"
  | "quota"
  | "rejected"
  | "unexpected";

export interface EndpointFailure {
  kind: FailureKind;
  retryable: boolean;
  /** HTTP status, when the server answered. */
  status?: number;
  /** The server's error message, or the network error code (ECONNREFUSED ...). */
  detail: string;
  retryAfterMs?: number;
  cause: unknown;
}

/** Where the failure happened, for messages that name the model and endpoint. */
export interface EndpointContext {
  modelId: string;
  model: string;
  baseUrl: string;
  apiKeyEnv?: string;
  timeoutMs: number;
}

export function endpointContext(model: ModelConfig, timeoutMs: number = model.timeoutMs): EndpointContext {
  return {
    modelId: model.id,
    model: model.model,
    baseUrl: model.baseUrl,
    apiKeyEnv: model.apiKeyEnv,
    timeoutMs,
  };
}

const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/** `timedOut` is true when our own per-call deadline fired (the openai client then reports an abort). */
export function classifyFailure(err: unknown, timedOut: boolean): EndpointFailure {
  if (timedOut || err instanceof APIConnectionTimeoutError) {
    return { kind: "timeout", retryable: true, detail: "timed out", cause: err };
  }
  if (err instanceof APIConnectionError) {
    return { kind: "unreachable", retryable: true, detail: networkFailureDetail(err), cause: err };
  }
  if (err instanceof APIError && typeof err.status === "number") {
    const answered = {
      status: err.status,
      detail: err.message,
      retryAfterMs: retryAfterMs(err.headers),
      cause: err,
    };
    if (err.status === 429) {
      // OpenAI answers 429 for an exhausted quota too; waiting does not refill it.
      return err.code === "insufficient_quota"
        ? { kind: "quota", retryable: false, ...answered }
        : { kind: "rate_limited", retryable: true, ...answered };
    }
    if (err.status >= 500) return { kind: "server_error", retryable: true, ...answered };
    return { kind: "rejected", retryable: RETRYABLE_STATUSES.has(err.status), ...answered };
  }
  // Not from the HTTP layer (a body the client could not parse, ...): retrying will not help.
  return { kind: "unexpected", retryable: false, detail: errorMessage(err), cause: err };
}

/** Node's errno code (ECONNREFUSED, ENOTFOUND, ...) from the cause chain, else the innermost cause's message. */
export function networkFailureDetail(err: unknown): string {
  let detail = errorMessage(err);
  for (let current = err, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
    detail = current.message;
    current = current instanceof AggregateError ? current.errors[0] : current.cause;
  }
  return detail;
}

/** True for failures that say the endpoint itself is down, which is what the circuit breaker counts. */
export function isConnectionFailure(failure: EndpointFailure): boolean {
  return failure.kind === "unreachable" || failure.kind === "timeout";
}

/** The error a caller sees once retries are spent or the failure is not worth retrying. */
export function failureToError(
  failure: EndpointFailure,
  ctx: EndpointContext,
  attempts: number,
): NanofluxError {
  const cause = failure.cause;
  // The URL as written may hold a user:password@ (sent as HTTP Basic auth): messages show it without.
  const url = urlForDisplay(ctx.baseUrl);
  const where = `model "${ctx.modelId}" at ${url}`;
  const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  switch (failure.kind) {
    case "unreachable":
      return new SystemError(
        `cannot reach model endpoint ${url} (${failure.detail}): is the server running?`,
        {
          code: "UNREACHABLE",
          cause,
        },
      );
    case "timeout":
      return new SystemError(
        `${where} did not answer within ${ctx.timeoutMs} ms (${tries}): check the server's load or raise timeoutMs`,
        { code: "TIMEOUT", cause },
      );
    case "rate_limited":
      return new SystemError(
        `${where} is still rate-limiting (429) after ${tries}: lower maxConcurrency or raise maxRetries`,
        { code: "RATE_LIMITED", cause },
      );
    case "server_error":
      return new SystemError(`${where} failed with ${failure.detail} (${tries}): check the server's logs`, {
        code: "SERVER_ERROR",
        cause,
      });
    case "quota":
      return new ConfigError(
        `${where} refused: the account's quota is exhausted (${failure.detail}); check billing`,
        {
          code: "QUOTA",
          cause,
        },
      );
    case "rejected":
      return rejectionError(failure, ctx, where);
    case "unexpected":
      return new SystemError(`${where} failed unexpectedly: ${failure.detail}`, {
        code: "UNEXPECTED",
        cause,
      });
  }
}

function rejectionError(failure: EndpointFailure, ctx: EndpointContext, where: string): NanofluxError {
  const cause = failure.cause;
  if (failure.status === 401 || failure.status === 403) {
    const fix = hasUrlCredentials(ctx.baseUrl)
      ? "check the user and password in baseUrl (sent as HTTP Basic auth)"
      : ctx.apiKeyEnv
        ? `check the key in ${looksLikeSecret(ctx.apiKeyEnv) ? "the variable apiKeyEnv names" : `$${ctx.apiKeyEnv}`}`
        : "set apiKeyEnv on the model to the environment variable holding its key";
    return new ConfigError(`${where} rejected the API key (${failure.detail}): ${fix}`, {
      code: "AUTH",
      cause,
    });
  }
  if (failure.status === 404) {
    return new ConfigError(
      `${where} answered 404 (${failure.detail}): check that baseUrl ends in the API root (often /v1) and that ` +
        `the server serves model "${ctx.model}"`,
      { code: "NOT_FOUND", cause },
    );
  }
  return new SystemError(`${where} rejected the request (${failure.detail})`, { code: "BAD_REQUEST", cause });
}
