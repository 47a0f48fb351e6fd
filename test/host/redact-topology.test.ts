import { describe, expect, it } from "vitest";
import { parseTopology } from "../../config/load.ts";
import { redactTopology } from "../../host/redact.ts";

describe("the topology a run records", () => {
  it("keeps no secret: secret fields censored, user:password@ taken out of every URL", () => {
    const topology = parseTopology(
      `
models:
  - { id: a, baseUrl: "https://alice:hunter2-secret@llm.example.com/v1", model: m }
  - { id: b, baseUrl: "http://localhost:8000/v1", model: m, apiKeyEnv: B_KEY }
agents: [{ type: scheduler }]
nats: { url: "nats://bob:s3cret-pass@nats.example.com:4222" }
`,
      "t.yaml",
      { B_KEY: "sk-abcdefghijklmnopqrstuvwxyz" },
    );
    const recorded = JSON.stringify(redactTopology(topology));
    for (const secret of ["hunter2-secret", "alice", "s3cret-pass", "bob:"])
      expect(recorded).not.toContain(secret);
    expect(recorded).toContain("https://llm.example.com/v1");
    expect(recorded).toContain("nats.example.com:4222");
    expect(recorded).toContain("http://localhost:8000/v1");
  });
});
