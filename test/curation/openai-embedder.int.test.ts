import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createOpenAIEmbedder } from "../../curation/embedders/openai-embedder.ts";
import { ConfigError, ModelError } from "../../protocol/errors.ts";
import { modelConfig } from "../llm/model-fixtures.ts";
import { startScriptedOpenAIServer } from "../support/scripted-openai-server.ts";
import { describeEmbedderSpec } from "./support/embedder-spec.ts";
import { type EmbeddingsServer, startEmbeddingsServer } from "./support/embeddings-server.ts";

const DIMS = 48;
let server: EmbeddingsServer;

beforeAll(async () => {
  server = await startEmbeddingsServer(DIMS);
});
afterAll(async () => {
  await server.close();
});

describeEmbedderSpec("OpenAI-compatible /v1/embeddings", () =>
  createOpenAIEmbedder({ model: modelConfig(server.baseUrl, { model: "embed-small" }), batchSize: 64 }),
);

describe("OpenAI embedder", () => {
  test("learns the vector size from a probe and splits large inputs into batches", async () => {
    const embedder = await createOpenAIEmbedder({ model: modelConfig(server.baseUrl), batchSize: 10 });
    expect(embedder.dims).toBe(DIMS);
    const before = server.batchSizes.length;
    await embedder.embed(Array.from({ length: 25 }, (_, i) => `text ${i}`));
    expect(server.batchSizes.slice(before)).toEqual([10, 10, 5]);
  });

  test("turns a rejected key into a ConfigError that names the fix", async () => {
    const scripted = await startScriptedOpenAIServer([
      {
        method: "POST",
        path: "/v1/embeddings",
        reply: {
          kind: "json",
          status: 401,
          body: { error: { message: "bad key", type: "auth", code: null, param: null } },
        },
      },
    ]);
    const model = modelConfig(scripted.baseUrl, { apiKeyEnv: "EMBED_KEY", maxRetries: 0 });
    const attempt = createOpenAIEmbedder({ model, env: { EMBED_KEY: "wrong" }, dims: 8 }).then((e) =>
      e.embed(["hi"]),
    );
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/EMBED_KEY/);
    scripted.assertScriptDone();
    await scripted.close();
  });

  test("refuses a response that leaves an input without a vector", async () => {
    const scripted = await startScriptedOpenAIServer([
      {
        method: "POST",
        path: "/v1/embeddings",
        reply: {
          kind: "json",
          status: 200,
          body: { object: "list", data: [{ index: 0, embedding: [1, 0] }] },
        },
      },
    ]);
    const embedder = await createOpenAIEmbedder({ model: modelConfig(scripted.baseUrl), dims: 2 });
    await expect(embedder.embed(["one", "two"])).rejects.toThrow(ModelError);
    scripted.assertScriptDone();
    await scripted.close();
  });
});
