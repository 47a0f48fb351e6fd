import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseTopology } from "../../config/load.ts";
import { createChatModels, probeModelEndpoint } from "../../llm/models.ts";
import { createOpenAIClient, endpointAddress } from "../../llm/openai-client.ts";
import { ConfigError, SystemError } from "../../protocol/errors.ts";
import { apiError, completion, modelList } from "../support/scripted-openai-server.ts";
import { closedPortUrl, modelConfig, scriptedServerPool, testDeps } from "./model-fixtures.ts";

const pool = scriptedServerPool();
afterEach(pool.closeAll);

const PASSWORD = "s3cret-Hq4vX8rB";

/** `http://127.0.0.1:PORT/v1` with `userinfo@` put in front of the host. */
function withCredentials(baseUrl: string, userinfo: string): string {
  return baseUrl.replace("http://", `http://${userinfo}@`);
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

const request = {
  role: "r",
  system: "s",
  user: "u",
  schemaName: "x",
  schema: z.object({ x: z.string() }),
};

describe("a model baseUrl with user:password@, through the real openai client", () => {
  it("sends the credentials as HTTP Basic auth, to the URL's path without them", async () => {
    const server = await pool.serve(completion(JSON.stringify({ x: "ok" })));
    const text = `
models:
  - { id: m1, baseUrl: "${withCredentials(server.baseUrl, `alice:${PASSWORD}`)}", model: test-model }
agents: [{ type: scheduler }]
`;
    const topology = parseTopology(text, "t.yaml", {});
    const model = createChatModels(topology.models, testDeps()).get("m1");
    const result = await model?.generate(request);

    expect(result?.value).toEqual({ x: "ok" });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe("/v1/chat/completions");
    expect(server.requests[0]?.headers.authorization).toBe(basic("alice", PASSWORD));
  });

  it("decodes percent-encoded credentials before sending them", async () => {
    const server = await pool.serve(modelList(["test-model"]));
    const baseUrl = withCredentials(server.baseUrl, "bob%40corp:p%40ss%3Aw%2Frd");
    await expect(probeModelEndpoint(modelConfig(baseUrl), {})).resolves.toEqual(["test-model"]);
    expect(server.requests[0]?.path).toBe("/v1/models");
    expect(server.requests[0]?.headers.authorization).toBe(basic("bob@corp", "p@ss:w/rd"));
  });

  it("a refused password says what to check, and not the password", async () => {
    const server = await pool.serve(apiError(401, "bad credentials"));
    const model = createChatModels(
      [modelConfig(withCredentials(server.baseUrl, `alice:${PASSWORD}`), { maxRetries: 0 })],
      testDeps(),
    ).get("m1");
    const error = await model?.generate(request).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`model "m1" at ${server.baseUrl} rejected the API key`);
    expect(message).toMatch(/check the user and password in baseUrl/);
    expect(message).not.toContain(PASSWORD);
  });

  it("an endpoint that is down is reported without the password", async () => {
    const baseUrl = await closedPortUrl();
    const error = await probeModelEndpoint(
      modelConfig(withCredentials(baseUrl, `alice:${PASSWORD}`)),
      {},
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toBe(
      `cannot reach model endpoint ${baseUrl} (ECONNREFUSED): is the server running?`,
    );
  });

  it("with apiKeyEnv too is refused, even for settings that skipped the topology schema", () => {
    const config = {
      ...modelConfig("http://127.0.0.1:9/v1"),
      baseUrl: `http://alice:${PASSWORD}@127.0.0.1:9/v1`,
      apiKeyEnv: "LLM_API_KEY",
    };
    expect(() => createOpenAIClient(config, { LLM_API_KEY: "sk-abcdefghijklmnop" })).toThrow(
      /baseUrl holds a user:password@ and apiKeyEnv names a key/,
    );
  });

  it("leaves a URL without credentials as written", () => {
    expect(endpointAddress({ id: "m", baseUrl: "http://127.0.0.1:8000/v1" })).toEqual({
      baseUrl: "http://127.0.0.1:8000/v1",
    });
  });
});

describe("apiKeyEnv from settings that skipped the topology schema", () => {
  it("a pasted key is refused without being echoed", () => {
    const key = "sk-proj-Zx81QmWv3LkT6yNbR4cD";
    const config = { ...modelConfig("http://127.0.0.1:9/v1"), apiKeyEnv: key };
    let message = "";
    try {
      createOpenAIClient(config, {});
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/looks like the key itself/);
    expect(message).not.toContain("Zx81QmWv");
  });
});
