import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { reportFatal } from "../../cli/errors.ts";
import { OpenAIChatModel } from "../../llm/openai-model.ts";
import type { SpendLedger } from "../../llm/spending.ts";
import { BudgetExceededError, ConfigError, errorInfo } from "../../protocol/errors.ts";
import { apiError, completion } from "../support/scripted-openai-server.ts";
import { modelConfig, scriptedServerPool, testDeps } from "./model-fixtures.ts";

/**
 * The error code decides what a model call does on a failure, against a scripted endpoint and the real openai
 * client: the strict script answers any request it did not expect with a 418 and fails the test in afterEach,
 * so "tried once" is checked by the script as well as by the request count.
 */

const Answer = z.object({ final_answer: z.string() });
const request = { role: "defender", system: "Solve it.", user: "2+2?", schemaName: "answer", schema: Answer };
const GOOD = '{"final_answer": "4"}';

const pool = scriptedServerPool();
afterEach(pool.closeAll);

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: unknown) => err,
  );
}

/** A ledger that admits the first `admitted` reserves and refuses the rest for the budget. */
function ledgerAdmitting(admitted: number): SpendLedger & { reserves: number } {
  const ledger = {
    bounded: true,
    reserves: 0,
    reserve: async () => {
      ledger.reserves += 1;
      if (ledger.reserves > admitted) throw new BudgetExceededError("token budget of 100 reached");
      return { settle: async () => {} };
    },
  };
  return ledger;
}

describe("a model call's failure, by its code", () => {
  it("tries a 401 once, with retries to spare, and surfaces it as an input error (exit 2)", async () => {
    const server = await pool.serve(apiError(401, "Incorrect API key provided"));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 3 }), testDeps());
    const error = await failureOf(model.generate(request));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ConfigError);
    expect(errorInfo(error)).toEqual({ code: "MODEL_AUTH", kind: "input", retryable: false, exitCode: 2 });
    const stderr = { write: () => true } as unknown as NodeJS.WritableStream;
    expect(reportFatal(error, stderr, {})).toBe(2);
  });

  it("tries a 403 and a 404 (model not served) once each", async () => {
    const forbidden = await pool.serve(apiError(403, "Project does not have access"));
    const missing = await pool.serve(apiError(404, "The model `test-model` does not exist"));
    const deps = testDeps();
    const first = new OpenAIChatModel(modelConfig(forbidden.baseUrl, { maxRetries: 3 }), deps);
    const second = new OpenAIChatModel(modelConfig(missing.baseUrl, { maxRetries: 3 }), deps);
    expect(errorInfo(await failureOf(first.generate(request)))).toMatchObject({ code: "MODEL_AUTH" });
    expect(errorInfo(await failureOf(second.generate(request)))).toMatchObject({
      code: "MODEL_NOT_FOUND",
      kind: "input",
    });
    expect([forbidden.requests.length, missing.requests.length]).toEqual([1, 1]);
    expect(deps.log.at("warn")).toEqual([]);
  });

  it("tries an exhausted quota (429 insufficient_quota) once: waiting does not refill it", async () => {
    const server = await pool.serve(
      apiError(429, "You exceeded your current quota", { code: "insufficient_quota" }),
    );
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 3 }), testDeps());
    expect(errorInfo(await failureOf(model.generate(request)))).toMatchObject({
      code: "MODEL_QUOTA",
      kind: "input",
    });
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 503 and succeeds when the server recovers", async () => {
    const server = await pool.serve(
      apiError(503, "overloaded"),
      apiError(503, "overloaded"),
      completion(GOOD),
    );
    const deps = testDeps();
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 2 }), deps);
    const result = await model.generate(request);
    expect(result.value.final_answer).toBe("4");
    expect(server.requests).toHaveLength(3);
    expect(deps.log.at("warn").map((line) => line.status)).toEqual([503, 503]);
  });

  it("retries a 503 up to maxRetries and then surfaces it as a retryable system error (exit 1)", async () => {
    const server = await pool.serve(apiError(503, "overloaded"), apiError(503, "overloaded"));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 1 }), testDeps());
    const error = await failureOf(model.generate(request));
    expect(server.requests).toHaveLength(2);
    expect(errorInfo(error)).toEqual({
      code: "MODEL_UNAVAILABLE",
      kind: "system",
      retryable: true,
      exitCode: 1,
    });
  });

  it("retries a rate limit (429 without a quota code)", async () => {
    const server = await pool.serve(apiError(429, "Rate limit reached"), completion(GOOD));
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 1 }), testDeps());
    expect((await model.generate(request)).value.final_answer).toBe("4");
    expect(server.requests).toHaveLength(2);
  });

  it("stops at once when the budget refuses the call: nothing is sent", async () => {
    const server = await pool.serve();
    const ledger = ledgerAdmitting(0);
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 5 }), testDeps({ ledger }));
    const error = await failureOf(model.generate(request));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(errorInfo(error)).toMatchObject({ code: "BUDGET", kind: "budget", retryable: false });
    expect(ledger.reserves).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it("stops a run of retries when the budget refuses the next attempt", async () => {
    const server = await pool.serve(apiError(503, "overloaded"));
    const ledger = ledgerAdmitting(1);
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 5 }), testDeps({ ledger }));
    expect(errorInfo(await failureOf(model.generate(request)))).toMatchObject({ code: "BUDGET" });
    expect(ledger.reserves).toBe(2);
    expect(server.requests).toHaveLength(1);
  });

  it("passes a ConfigError from before the request up unchanged, not retried as a model failure", async () => {
    const server = await pool.serve();
    const refusal = new ConfigError("budget.usd needs a price for every model: set price on m1");
    let reserves = 0;
    const ledger: SpendLedger = {
      bounded: true,
      reserve: async () => {
        reserves += 1;
        throw refusal;
      },
    };
    const model = new OpenAIChatModel(modelConfig(server.baseUrl, { maxRetries: 5 }), testDeps({ ledger }));
    expect(await failureOf(model.generate(request))).toBe(refusal);
    expect(reserves).toBe(1);
    expect(server.requests).toHaveLength(0);
  });
});
