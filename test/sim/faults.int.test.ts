import { APIConnectionTimeoutError, InternalServerError, RateLimitError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../packages/sim/src/server.ts";
import { parseJsonText } from "../../packages/sim/src/text.ts";
import { DEFENDER_SCHEMA_NAME, DefenderOutput } from "../../protocol/role-outputs.ts";
import { client, jsonSchemaFormat, simConfig } from "./sim-fixtures.ts";

const ask = { model: "m", messages: [{ role: "user" as const, content: "What is 2 + 2?" }] };

describe("simulated faults", () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it("answers 429 with Retry-After at rate429 = 1", async () => {
    sim = await startSimulator(
      simConfig({ faults: { rate429: 1, rate500: 0, rateTimeout: 0, rateMalformed: 0 } }),
    );
    const error = await client(sim.url)
      .chat.completions.create(ask)
      .catch((err: unknown) => err);
    if (!(error instanceof RateLimitError))
      throw new Error(`expected a RateLimitError, got ${String(error)}`);
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(error.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
    expect(sim.stats().faults.rate_limit).toBe(1);
  });

  it("answers 500 at rate500 = 1, and the client's retries see it again", async () => {
    sim = await startSimulator(
      simConfig({ faults: { rate429: 0, rate500: 1, rateTimeout: 0, rateMalformed: 0 } }),
    );
    await expect(client(sim.url, { maxRetries: 1 }).chat.completions.create(ask)).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(sim.stats().faults.server_error).toBe(2);
  });

  it("turns away requests beyond maxConcurrency with 429", async () => {
    sim = await startSimulator(simConfig({ maxConcurrency: 1, latencyMs: 300 }));
    const openai = client(sim.url);
    const results = await Promise.allSettled([
      openai.chat.completions.create(ask),
      openai.chat.completions.create(ask),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(RateLimitError);
    expect(sim.stats().faults.overloaded).toBe(1);
  });

  it("holds a request until the client gives up, and still closes promptly", async () => {
    sim = await startSimulator(
      simConfig({ faults: { rate429: 0, rate500: 0, rateTimeout: 1, rateMalformed: 0 } }),
    );
    await expect(client(sim.url, { timeout: 300 }).chat.completions.create(ask)).rejects.toBeInstanceOf(
      APIConnectionTimeoutError,
    );
    expect(sim.stats().faults.timeout).toBe(1);
  });

  it("sends replies a strict client must reject at rateMalformed = 1", async () => {
    sim = await startSimulator(
      simConfig({ faults: { rate429: 0, rate500: 0, rateTimeout: 0, rateMalformed: 1 } }),
    );
    const openai = client(sim.url);
    const kinds = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const completion = await openai.chat.completions.create({
        model: "m",
        messages: [
          { role: "user", content: `Domain: math\n\n<question>\nHow many is ${i} plus 2?\n</question>` },
        ],
        response_format: jsonSchemaFormat(DEFENDER_SCHEMA_NAME, DefenderOutput),
      });
      const choice = completion.choices[0];
      const usable = DefenderOutput.safeParse(parseJsonText(choice?.message.content ?? "")).success;
      expect(usable).toBe(false);
      kinds.add(choice?.message.refusal ? "refusal" : (choice?.finish_reason ?? "?"));
    }
    expect(kinds).toEqual(new Set(["refusal", "length", "stop"]));
    expect(sim.stats().faults.malformed).toBe(24);
  });

  it("paces replies by latency and token rate", async () => {
    sim = await startSimulator(simConfig({ latencyMs: 200, tokensPerSecond: 1000 }));
    const started = performance.now();
    await client(sim.url).chat.completions.create(ask);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});
