import { describe, expect, it } from "vitest";
import type { TopologyIssue } from "../../config/issues.ts";
import { parseTopology, TopologyError } from "../../config/load.ts";
import { editedTopology } from "./broken-topologies.ts";

type Edit = Parameters<typeof editedTopology>[0];

function rejection(edit: Edit, env: NodeJS.ProcessEnv = {}): TopologyError {
  try {
    parseTopology(editedTopology(edit), "t.yaml", env);
  } catch (err) {
    if (err instanceof TopologyError) return err;
    throw err;
  }
  throw new Error("expected the topology to be rejected");
}

function only(error: TopologyError): TopologyIssue {
  expect(error.issues, error.message).toHaveLength(1);
  return error.issues[0] as TopologyIssue;
}

const setModel =
  (fields: Record<string, unknown>): Edit =>
  (t) =>
    Object.assign(t.models[0] as object, fields);

describe("URL schemes", () => {
  it.each([
    ["file:///etc/passwd", '"file"'],
    ["ftp://mirror.example.com/v1", '"ftp"'],
    ["nats://127.0.0.1:4222", '"nats"'],
  ])("a model baseUrl of %s is refused with the field and an endpoint to write", (baseUrl, scheme) => {
    const issue = only(rejection(setModel({ baseUrl })));
    expect(issue).toEqual({
      path: "models[0].baseUrl",
      message: `a ${scheme} URL; only http and https are allowed here`,
      hint: "write an OpenAI-compatible endpoint like http://localhost:8000/v1",
    });
  });

  it.each(["http://127.0.0.1:8000/v1?api-key=qs-secret-123456", "https://llm.example.com/v1#frag"])(
    "a model baseUrl with a query or fragment (%s) is refused, and the query is not echoed",
    (baseUrl) => {
      const error = rejection(setModel({ baseUrl }));
      const issue = only(error);
      expect(issue.path).toBe("models[0].baseUrl");
      expect(issue.message).toMatch(/query string or fragment/);
      expect(error.message).not.toContain("qs-secret-123456");
    },
  );

  it("training.baseUrl takes http and https only, too", () => {
    const issue = only(
      rejection((t) => Object.assign(t, { training: { baseModel: "m", baseUrl: "file:///srv/ft" } })),
    );
    expect(issue.path).toBe("training.baseUrl");
    expect(issue.hint).toMatch(/OpenAI-compatible endpoint like http:\/\/localhost:8000\/v1/);
  });

  it("the check applies after ${VAR} interpolation", () => {
    const edit = setModel({ baseUrl: "${NANOFLUX_SIM_URL}" });
    expect(
      parseTopology(editedTopology(edit), "t.yaml", { NANOFLUX_SIM_URL: "http://127.0.0.1:7/v1" }).models[0]
        ?.baseUrl,
    ).toBe("http://127.0.0.1:7/v1");
    expect(only(rejection(edit, { NANOFLUX_SIM_URL: "file:///tmp/x" })).path).toBe("models[0].baseUrl");
  });

  it.each([
    "nats://127.0.0.1:4222",
    "tls://nats.example.com:4222",
    "ws://h:8080,wss://h2:443",
    "127.0.0.1:4222, nats-2:4222,nats-3",
    "nats://alice:s3cret@h:4222",
    "nats://t0ken@h:4222",
    "",
  ])("nats.url %j is a NATS server list", (url) => {
    expect(
      parseTopology(
        editedTopology((t) => Object.assign(t, { nats: { url } })),
        "t.yaml",
        {},
      ).nats.url,
    ).toBe(url);
  });

  it.each([
    ["http://127.0.0.1:4222", /entry 1 \("http:\/\/127\.0\.0\.1:4222"\) has the scheme "http"/],
    ["nats://a:4222,file:///x", /entry 2 \("file:\/\/\/x"\) has the scheme "file"/],
    ["nats://a:4222,,nats://b:4222", /entry 2 \(""\) is empty/],
    ["not a host", /entry 1 \("not a host"\) is neither a URL nor a host:port/],
  ])("nats.url %j is refused with the entry and nats://host:4222 in the hint", (url, message) => {
    const issue = only(rejection((t) => Object.assign(t, { nats: { url } })));
    expect(issue.path).toBe("nats.url");
    expect(issue.message).toMatch(message);
    expect(issue.hint).toMatch(/nats:\/\/host:4222/);
  });

  it("a refused NATS URL is shown without its password", () => {
    const error = rejection((t) => Object.assign(t, { nats: { url: "http://alice:pw-Zq81xV@h:4222" } }));
    expect(only(error).path).toBe("nats.url");
    expect(error.message).not.toContain("pw-Zq81xV");
  });
});

describe("credentials in a model's baseUrl", () => {
  it("are accepted alone", () => {
    const topology = parseTopology(
      editedTopology(setModel({ baseUrl: "https://alice:s3cret@llm.example.com/v1" })),
      "t.yaml",
      {},
    );
    expect(topology.models[0]?.baseUrl).toBe("https://alice:s3cret@llm.example.com/v1");
  });

  it("are refused beside apiKeyEnv, naming both, with which to keep", () => {
    const error = rejection(
      setModel({ baseUrl: "https://alice:s3cret@llm.example.com/v1", apiKeyEnv: "LLM_API_KEY" }),
    );
    const issue = only(error);
    expect(issue.path).toBe("models[0].apiKeyEnv");
    expect(issue.message).toMatch(/baseUrl holds a user:password@ and apiKeyEnv names a key/);
    expect(issue.hint).toMatch(/keep one/);
    expect(error.message).not.toContain("s3cret");
  });

  it("in training.baseUrl are refused beside training.apiKeyEnv", () => {
    const issue = only(
      rejection((t) =>
        Object.assign(t, {
          training: { baseModel: "m", baseUrl: "https://u:p4ssw0rd@ft.example.com/v1", apiKeyEnv: "FT_KEY" },
        }),
      ),
    );
    expect(issue.path).toBe("training.apiKeyEnv");
  });
});

describe("fields that name an environment variable", () => {
  const KEYS = [
    "sk-proj-Zx81QmWv3LkT6yNbR4cDa9Jk",
    "sk-ant-api03-abcdefghijklmnop",
    "3f9a0c4e8b7d6a5f4e3d2c1b0a9f8e7d",
    "Zx81QmWv3LkT6yNbR4cDa9Jk2LpQ",
    "hf_AbCdEfGhIjKlMnOpQrStUv",
    `AKIA${"Q".repeat(16)}`,
    "abc.def/ghi+jkl=mno",
    "K".repeat(200),
  ];

  it.each(KEYS)("a key pasted into apiKeyEnv is refused and never echoed (%#)", (key) => {
    for (const edit of [
      setModel({ apiKeyEnv: key }),
      (t: Parameters<Edit>[0]) =>
        Object.assign(t, {
          training: { baseModel: "m", baseUrl: "https://ft.example.com/v1", apiKeyEnv: key },
        }),
    ]) {
      const error = rejection(edit);
      const issue = only(error);
      expect(issue.path).toMatch(/^(models\[0\]|training)\.apiKeyEnv$/);
      expect(issue.message).toBe("this looks like the key itself, not the name of an environment variable");
      expect(issue.hint).toMatch(/put the key in an environment variable .* write the variable's name here/);
      expect(error.message).not.toContain(key.slice(0, 12));
      expect(JSON.stringify(error.issues)).not.toContain(key.slice(0, 12));
    }
  });

  it.each(["OPENAI-KEY", "1PASSWORD", "MY KEY"])(
    "a value %j that is no name is refused without being echoed",
    (name) => {
      const error = rejection(setModel({ apiKeyEnv: name }));
      const issue = only(error);
      expect(issue.path).toBe("models[0].apiKeyEnv");
      expect(issue.message).toMatch(/not an environment variable name/);
      expect(issue.hint).toMatch(/write a name like OPENAI_API_KEY/);
      expect(error.message).not.toContain(name);
    },
  );

  it.each(["OPENAI_API_KEY", "_private", "ANTHROPIC_API_KEY", "MY_VERY_LONG_PROVIDER_NAME_API_KEY_2"])(
    "a name %j is accepted",
    (name) => {
      expect(
        parseTopology(editedTopology(setModel({ apiKeyEnv: name })), "t.yaml", {}).models[0]?.apiKeyEnv,
      ).toBe(name);
    },
  );

  it("a key given where a type is wrong is not echoed either", () => {
    const key = ["sk-proj-Zx81QmWv3LkT6yNbR4cD"];
    const error = rejection(setModel({ apiKeyEnv: key }));
    expect(only(error).path).toBe("models[0].apiKeyEnv");
    expect(error.message).not.toContain("Zx81QmWv");
  });
});

describe("NATS credentials in the topology are never echoed", () => {
  it.each([
    ["pass", 73_914_562_801],
    ["token", ["t0ken-Hq4vX8rB"]],
    ["nkeySeed", 51_234_567_890_123],
  ])("nats.%s of the wrong type", (field, value) => {
    const error = rejection((t) => Object.assign(t, { nats: { [field]: value } }));
    expect(only(error).path).toBe(`nats.${field}`);
    expect(error.message).not.toMatch(/73914562801|Hq4vX8rB|51234567890123/);
  });
});
