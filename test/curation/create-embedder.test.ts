import { describe, expect, test } from "vitest";
import { ModelConfig } from "../../config/topology.ts";
import { createEmbedder } from "../../curation/embedders/create-embedder.ts";
import { LOCAL_EMBEDDER_NAME } from "../../curation/embedders/local-use.ts";
import { ConfigError } from "../../protocol/errors.ts";

const models = [ModelConfig.parse({ id: "chat", baseUrl: "http://127.0.0.1:9/v1", model: "m" })];

describe("createEmbedder", () => {
  test("gives the local model by default", async () => {
    const embedder = await createEmbedder({ kind: "local" }, { models });
    expect({ name: embedder.name, dims: embedder.dims }).toEqual({ name: LOCAL_EMBEDDER_NAME, dims: 512 });
  });

  test.each([
    [{ kind: "local" as const, model: "bge-small" }, /local embedder has one model/],
    [{ kind: "openai" as const }, /needs the id of a model entry serving embeddings \(known: chat\)/],
    [{ kind: "openai" as const, model: "embedder" }, /unknown model "embedder"; known: chat/],
  ])("refuses %j, naming the setting", async (config, message) => {
    const attempt = createEmbedder(config, { models });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/^curation\.embedder\.model: /);
    await expect(attempt).rejects.toThrow(message);
  });
});
