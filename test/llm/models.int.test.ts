import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createChatModels, probeModelEndpoint } from "../../llm/models.ts";
import { ConfigError, SystemError } from "../../protocol/errors.ts";
import { drop, modelList } from "../support/scripted-openai-server.ts";
import { closedPortUrl, modelConfig, scriptedServerPool, testDeps } from "./model-fixtures.ts";

const pool = scriptedServerPool();
afterEach(pool.closeAll);

const request = { role: "r", system: "s", user: "u", schemaName: "x", schema: z.object({ x: z.string() }) };

describe("createChatModels", () => {
  it("keys models by id, and models on one endpoint share its circuit breaker", async () => {
    // Five connection failures in a row open the default breaker: model "a" uses them all up.
    const server = await pool.serve(drop(), drop(), drop(), drop(), drop());
    const models = createChatModels(
      [
        modelConfig(server.baseUrl, { id: "a", maxRetries: 4 }),
        modelConfig(server.baseUrl, { id: "b", model: "other-model" }),
      ],
      testDeps(),
    );
    expect([...models.keys()]).toEqual(["a", "b"]);
    expect(models.get("b")?.model).toBe("other-model");
    await expect(models.get("a")?.generate(request)).rejects.toMatchObject({ code: "MODEL_UNREACHABLE" });
    await expect(models.get("b")?.generate(request)).rejects.toMatchObject({ code: "MODEL_CIRCUIT_OPEN" });
    expect(server.requests).toHaveLength(5);
  });
});

describe("probeModelEndpoint", () => {
  it("returns the served model names when the configured model is among them", async () => {
    const server = await pool.serve(modelList(["test-model", "other"]));
    await expect(probeModelEndpoint(modelConfig(server.baseUrl), {})).resolves.toEqual([
      "test-model",
      "other",
    ]);
  });

  it("accepts Ollama's implicit :latest tag", async () => {
    const server = await pool.serve(modelList(["llama3.1:latest"]));
    await expect(
      probeModelEndpoint(modelConfig(server.baseUrl, { model: "llama3.1" }), {}),
    ).resolves.toHaveLength(1);
  });

  it("fails with a ConfigError listing what the endpoint serves when the model is not there", async () => {
    const server = await pool.serve(modelList(["qwen2.5-7b", "llama3.1-8b"]));
    const error = await probeModelEndpoint(modelConfig(server.baseUrl), {}).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /does not serve "test-model"; it serves qwen2\.5-7b, llama3\.1-8b: fix "model" for "m1"/,
    );
  });

  it("fails fast with the unreachable-endpoint message", async () => {
    const baseUrl = await closedPortUrl();
    const error = await probeModelEndpoint(modelConfig(baseUrl), {}).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).message).toBe(
      `cannot reach model endpoint ${baseUrl} (ECONNREFUSED): is the server running?`,
    );
  });
});
