import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import type { ModelConfig } from "../config/topology.ts";
import { hasUrlCredentials, looksLikeSecret, urlForDisplay } from "../log/redaction.ts";
import {
  ConfigError,
  codeInfo,
  type ErrorCode,
  errorMessage,
  type NanofluxError,
  SystemError,
} from "../protocol/errors.ts";
import { retryAfterMs } from "./retry-policy.ts";

/**
 * What went wrong talking to a model endpoint, as an error code (protocol/errors.ts) that says what to do about
 * it: retry (rate limits, server errors, timeouts, lost connections) or stop and tell the user what to fix (a
 * bad key, a wrong URL or model name, an exhausted quota: input errors, never retried).
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
  /** The code of the error this failure ends in, if it is the last; it decides `retryable`. */
  code: EndpointErrorCode;
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

/** The codes an endpoint failure can end in. */
export type EndpointErrorCode = Extract<
  ErrorCode,
  | "MODEL_TIMEOUT"
  | "MODEL_UNREACHABLE"
  | "MODEL_RATE_LIMITED"
  | "MODEL_UNAVAILABLE"
  | "MODEL_QUOTA"
  | "MODEL_AUTH"
  | "MODEL_NOT_FOUND"
  | "MODEL_REQUEST_REJECTED"
  | "MODEL_UNEXPECTED"
>;

type Answered = Pick<EndpointFailure, "status" | "detail" | "retryAfterMs" | "cause">;

function failure(
  kind: FailureKind,
  code: EndpointErrorCode,
  rest: Omit<EndpointFailure, "kind" | "code" | "retryable">,
): EndpointFailure {
  return { kind, code, retryable: codeInfo(code).retryable, ...rest };
}

/** `timedOut` is true when our own per-call deadline fired (the openai client then reports an abort). */
export function classifyFailure(err: unknown, timedOut: boolean): EndpointFailure {
  if (timedOut || err instanceof APIConnectionTimeoutError) {
    return failure("timeout", "MODEL_TIMEOUT", { detail: "timed out", cause: err });
  }
  if (err instanceof APIConnectionError) {
    return failure("unreachable", "MODEL_UNREACHABLE", { detail: networkFailureDetail(err), cause: err });
  }
  if (err instanceof APIError && typeof err.status === "number") {
    const answered: Answered = {
      status: err.status,
      detail: err.message,
      retryAfterMs: retryAfterMs(err.headers),
      cause: err,
    };
    if (err.status === 429) {
      // OpenAI answers 429 for an exhausted quota too; waiting does not refill it.
      return err.code === "insufficient_quota"
        ? failure("quota", "MODEL_QUOTA", answered)
        : failure("rate_limited", "MODEL_RATE_LIMITED", answered);
    }
    if (err.status >= 500) return failure("server_error", "MODEL_UNAVAILABLE", answered);
    return failure("rejected", rejectionCode(err.status), answered);
  }
  // Not from the HTTP layer (a body the client could not parse, ...): retrying will not help.
  return failure("unexpected", "MODEL_UNEXPECTED", { detail: errorMessage(err), cause: err });
}

/** A 4xx other than 429: the user's key or URL, a server that could not take it now, or our request. */
function rejectionCode(status: number): EndpointErrorCode {
  if (status === 401 || status === 403) return "MODEL_AUTH";
  if (status === 404) return "MODEL_NOT_FOUND";
  // 408 Request Timeout, 409 Conflict: the server could not handle it now; the same request may pass later.
  if (status === 408 || status === 409) return "MODEL_UNAVAILABLE";
  return "MODEL_REQUEST_REJECTED";
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
  switch (failure.code) {
    case "MODEL_UNREACHABLE":
      return new SystemError(
        `cannot reach model endpoint ${url} (${failure.detail}): is the server running?`,
        {
          code: failure.code,
          cause,
        },
      );
    case "MODEL_TIMEOUT":
      return new SystemError(
        `${where} did not answer within ${ctx.timeoutMs} ms (${tries}): check the server's load or raise timeoutMs`,
        { code: failure.code, cause },
      );
    case "MODEL_RATE_LIMITED":
      return new SystemError(
        `${where} is still rate-limiting (429) after ${tries}: lower maxConcurrency or raise maxRetries`,
        { code: failure.code, cause },
      );
    case "MODEL_UNAVAILABLE":
      return new SystemError(`${where} failed with ${failure.detail} (${tries}): check the server's logs`, {
        code: failure.code,
        cause,
      });
    case "MODEL_QUOTA":
      return new ConfigError(
        `${where} refused: the account's quota is exhausted (${failure.detail}); check billing`,
        { code: failure.code, cause },
      );
    case "MODEL_AUTH":
      return authError(failure, ctx, where);
    case "MODEL_NOT_FOUND":
      return new ConfigError(
        `${where} answered 404 (${failure.detail}): check that baseUrl ends in the API root (often /v1) and that ` +
          `the server serves model "${ctx.model}"`,
        { code: failure.code, cause },
      );
    case "MODEL_REQUEST_REJECTED":
      return new SystemError(`${where} rejected the request (${failure.detail})`, {
        code: failure.code,
        cause,
      });
    case "MODEL_UNEXPECTED":
      return new SystemError(`${where} failed unexpectedly: ${failure.detail}`, {
        code: failure.code,
        cause,
      });
  }
}

function authError(failure: EndpointFailure, ctx: EndpointContext, where: string): NanofluxError {
  const fix = hasUrlCredentials(ctx.baseUrl)
    ? "check the user and password in baseUrl (sent as HTTP Basic auth)"
    : ctx.apiKeyEnv
      ? `check the key in ${looksLikeSecret(ctx.apiKeyEnv) ? "the variable apiKeyEnv names" : `$${ctx.apiKeyEnv}`}`
      : "set apiKeyEnv on the model to the environment variable holding its key";
  return new ConfigError(`${where} rejected the API key (${failure.detail}): ${fix}`, {
    code: "MODEL_AUTH",
    cause: failure.cause,
  });
}
