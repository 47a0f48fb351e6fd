import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { describe, expect, it } from "vitest";
import { classifyFailure, failureToError, networkFailureDetail } from "../../llm/endpoint-failure.ts";
import { ConfigError, errorInfo, SystemError } from "../../protocol/errors.ts";

const context = { modelId: "m1", model: "gpt-test", baseUrl: "http://models.local/v1", timeoutMs: 1_000 };

function httpError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  code?: string,
): APIError {
  return APIError.generate(status, { error: { message, code } }, undefined, new Headers(headers));
}

function refused(): APIConnectionError {
  const errno = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
  return new APIConnectionError({ cause: new TypeError("fetch failed", { cause: errno }) });
}

describe("classifyFailure", () => {
  it("retries rate limits, server errors, timeouts and lost connections", () => {
    expect(classifyFailure(httpError(429, "slow down", { "retry-after": "3" }), false)).toMatchObject({
      kind: "rate_limited",
      retryable: true,
      retryAfterMs: 3_000,
    });
    expect(classifyFailure(httpError(503, "busy"), false)).toMatchObject({
      kind: "server_error",
      retryable: true,
    });
    expect(classifyFailure(new APIConnectionTimeoutError(), false)).toMatchObject({
      kind: "timeout",
      retryable: true,
    });
    expect(classifyFailure(new Error("aborted"), true)).toMatchObject({ kind: "timeout", retryable: true });
    expect(classifyFailure(refused(), false)).toMatchObject({ kind: "unreachable", detail: "ECONNREFUSED" });
  });

  it("does not retry an exhausted quota, a rejected request or an unexpected error", () => {
    const quota = httpError(429, "You exceeded your current quota", {}, "insufficient_quota");
    expect(classifyFailure(quota, false)).toMatchObject({ kind: "quota", retryable: false });
    expect(classifyFailure(httpError(400, "bad"), false)).toMatchObject({
      kind: "rejected",
      retryable: false,
    });
    expect(classifyFailure(new SyntaxError("Unexpected token <"), false)).toMatchObject({
      kind: "unexpected",
      retryable: false,
    });
  });
});

describe("the code of an endpoint failure", () => {
  it("makes the user's mistakes input errors that are never retried", () => {
    const cases: Array<[APIError, string]> = [
      [httpError(401, "bad key"), "MODEL_AUTH"],
      [httpError(403, "forbidden"), "MODEL_AUTH"],
      [httpError(404, "no such model"), "MODEL_NOT_FOUND"],
      [httpError(429, "quota", {}, "insufficient_quota"), "MODEL_QUOTA"],
    ];
    for (const [err, code] of cases) {
      const failure = classifyFailure(err, false);
      expect(failure).toMatchObject({ code, retryable: false });
      const error = failureToError(failure, context, 1);
      expect(error).toBeInstanceOf(ConfigError);
      expect(errorInfo(error)).toEqual({ code, kind: "input", retryable: false, exitCode: 2 });
    }
  });

  it("retries what the server may do differently next time, as system errors", () => {
    const cases: Array<[unknown, string]> = [
      [httpError(429, "slow down"), "MODEL_RATE_LIMITED"],
      [httpError(500, "boom"), "MODEL_UNAVAILABLE"],
      [httpError(503, "overloaded"), "MODEL_UNAVAILABLE"],
      [httpError(408, "request timeout"), "MODEL_UNAVAILABLE"],
      [httpError(409, "conflict"), "MODEL_UNAVAILABLE"],
      [refused(), "MODEL_UNREACHABLE"],
      [new APIConnectionTimeoutError(), "MODEL_TIMEOUT"],
    ];
    for (const [err, code] of cases) {
      const failure = classifyFailure(err, false);
      expect(failure).toMatchObject({ code, retryable: true });
      expect(errorInfo(failureToError(failure, context, 3))).toEqual({
        code,
        kind: "system",
        retryable: true,
        exitCode: 1,
      });
    }
  });

  it("does not retry a request the server cannot take, nor an answer it cannot read", () => {
    for (const [err, code] of [
      [httpError(400, "context length exceeded"), "MODEL_REQUEST_REJECTED"],
      [httpError(422, "unprocessable"), "MODEL_REQUEST_REJECTED"],
      [new SyntaxError("Unexpected token <"), "MODEL_UNEXPECTED"],
    ] as const) {
      const error = failureToError(classifyFailure(err, false), context, 1);
      expect(errorInfo(error)).toMatchObject({ code, kind: "system", retryable: false });
    }
  });
});

describe("networkFailureDetail", () => {
  it("finds the errno code deep in the cause chain, or falls back to the innermost message", () => {
    expect(networkFailureDetail(refused())).toBe("ECONNREFUSED");
    const socket = new APIConnectionError({
      cause: new TypeError("fetch failed", { cause: new Error("other side closed") }),
    });
    expect(networkFailureDetail(socket)).toBe("other side closed");
  });
});

describe("failureToError", () => {
  it("tells the user what to do for each kind of failure", () => {
    const unreachable = failureToError(classifyFailure(refused(), false), context, 3);
    expect(unreachable).toBeInstanceOf(SystemError);
    expect(unreachable.message).toBe(
      "cannot reach model endpoint http://models.local/v1 (ECONNREFUSED): is the server running?",
    );
    const auth = failureToError(
      classifyFailure(httpError(401, "bad key"), false),
      { ...context, apiKeyEnv: "MY_KEY" },
      1,
    );
    expect(auth).toBeInstanceOf(ConfigError);
    expect(auth.message).toMatch(/rejected the API key \(401 bad key\): check the key in \$MY_KEY/);
    const notFound = failureToError(classifyFailure(httpError(404, "no such model"), false), context, 1);
    expect(notFound.message).toMatch(/baseUrl ends in the API root.*"gpt-test"/);
    const limited = failureToError(classifyFailure(httpError(429, "slow"), false), context, 5);
    expect(limited.message).toMatch(/still rate-limiting \(429\) after 5 attempts: lower maxConcurrency/);
  });
});
