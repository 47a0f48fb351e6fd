import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { CircuitBreaker } from "../../llm/circuit-breaker.ts";
import { OpenAIChatModel } from "../../llm/openai-model.ts";
import { SystemError } from "../../protocol/errors.ts";
import { apiError, completion, drop, hang } from "../support/scripted-openai-server.ts";
import { closedPortUrl, modelConfig, scriptedServerPool, testDeps } from "./model-fixtures.ts";

const Answer = z.object({ final_answer: z.string() });
const request = {
  role: "defender",
  system: "Solve it.",
  user: "2+2?",
  schemaName: "defender_answer",
  schema: Answer,
};
const GOOD = '{"final_answer": "4"}';

const pool = scriptedServerPool();
afterEach(pool.closeAll);

describe("OpenAIChatModel reliability", () => {
  it("waits as long as a 429's retry-after-ms asks before retrying", async () => {
    const server = await pool.serve(
      apiError(429, "Rate limit reached", { headers: { "retry-after-ms": "300" } }),
      completion(GOOD),
    );
    const deps = testDeps();
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), deps);
    const result = await model.generate(request);
    expect(result.value.final_answer).toBe("4");
    const [first, second] = server.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(300);
    expect(deps.log.at("warn")).toEqual([
      expect.objectContaining({ failure: "rate_limited", status: 429, delayMs: 300, attempt: 1 }),
    ]);
  });

  it("retries 5xx answers and counts only the call that succeeded", async () => {
    const server = await pool.serve(apiError(500, "boom"), apiError(503, "overloaded"), completion(GOOD));
    const deps = testDeps();
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 2 }), deps);
    const result = await model.generate(request);
    expect(result.usage.calls).toBe(1);
    expect(deps.usages).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it("gives up after maxRetries with a SystemError naming the status", async () => {
    const server = await pool.serve(apiError(500, "boom"), apiError(502, "bad gateway"));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 1 }), testDeps());
    const error = await model.generate(request).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SystemError);
    expect(error).toMatchObject({
      code: "MODEL_UNAVAILABLE",
      message: expect.stringMatching(/failed with 502 .*2 attempts/),
    });
  });

  it("does not retry a request the server rejects", async () => {
    const server = await pool.serve(apiError(401, "invalid api key"));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    await expect(model.generate(request)).rejects.toMatchObject({
      code: "MODEL_AUTH",
      message: /set apiKeyEnv/,
    });
  });

  it("times out a hanging call and retries it", async () => {
    const server = await pool.serve(hang(), completion(GOOD));
    const model = new OpenAIChatModel(
      modelConfig(server.baseUrl, { timeoutMs: 250, maxRetries: 1 }),
      testDeps(),
    );
    const result = await model.generate(request);
    expect(result.value.final_answer).toBe("4");
    expect(server.requests).toHaveLength(2);
  });

  it("reports a timeout once every attempt has hung", async () => {
    const server = await pool.serve(hang(), hang());
    const model = new OpenAIChatModel(
      modelConfig(server.baseUrl, { timeoutMs: 200, maxRetries: 1 }),
      testDeps(),
    );
    await expect(model.generate(request)).rejects.toMatchObject({
      code: "MODEL_TIMEOUT",
      message: expect.stringMatching(
        /model "m1" at http:\/\/127\.0\.0\.1:\d+\/v1 did not answer within 200 ms \(2 attempts\)/,
      ),
    });
  });

  it("says the endpoint cannot be reached when nothing listens", async () => {
    const baseUrl = await closedPortUrl();
    const model = new OpenAIChatModel(modelConfig(baseUrl, { maxRetries: 1 }), testDeps());
    const error = await model.generate(request).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).message).toBe(
      `cannot reach model endpoint ${baseUrl} (ECONNREFUSED): is the server running?`,
    );
  });

  it("opens the circuit after repeated connection failures and then fails fast without calling", async () => {
    const server = await pool.serve(drop(), drop());
    const breaker = new CircuitBreaker({ endpoint: server.baseUrl, failureThreshold: 2, cooldownMs: 60_000 });
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 0 }), testDeps({ breaker }));
    await expect(model.generate(request)).rejects.toMatchObject({ code: "MODEL_UNREACHABLE" });
    await expect(model.generate(request)).rejects.toMatchObject({ code: "MODEL_UNREACHABLE" });
    await expect(model.generate(request)).rejects.toMatchObject({
      code: "MODEL_CIRCUIT_OPEN",
      message: expect.stringContaining(`model endpoint ${server.baseUrl} is unavailable`),
    });
    expect(server.requests).toHaveLength(2);
  });

  it("cancels an in-flight call through the request's signal", async () => {
    const server = await pool.serve(hang());
    const model = new OpenAIChatModel(modelConfig(server.baseUrl), testDeps());
    const controller = new AbortController();
    const pending = model.generate({ ...request, signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort(new Error("round cancelled"));
    await expect(pending).rejects.toThrow("round cancelled");
  });
});
