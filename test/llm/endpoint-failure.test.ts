import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { describe, expect, it } from "vitest";
import { classifyFailure, failureToError, networkFailureDetail } from "../../llm/endpoint-failure.ts";
import { ConfigError, SystemError } from "../../protocol/errors.ts";

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
