import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { Bus } from "../../bus/bus.ts";
import { connectNats } from "../../bus/connection.ts";
import { type EmbeddedNats, startEmbeddedNats } from "../../bus/embedded-server.ts";
import { parseTopology } from "../../config/load.ts";
import { silentLogger } from "../../log/logger.ts";
import { ConfigError } from "../../protocol/errors.ts";

let dir: string;
let userPass: EmbeddedNats;
let token: EmbeddedNats;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nanoflux-url-creds-"));
  [userPass, token] = await Promise.all([
    startEmbeddedNats({ storeDir: join(dir, "userpass"), args: ["--user", "alice", "--pass", "secret"] }),
    startEmbeddedNats({ storeDir: join(dir, "token"), args: ["--auth", "t0ken-Abc"] }),
  ]);
});

afterAll(async () => {
  await Promise.all([userPass?.stop(), token?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

async function connectsTo(servers: string): Promise<void> {
  const nc = await connectNats({ servers, name: "url-creds", timeoutMs: 5000 });
  try {
    // A round trip to the server, not only the handshake.
    await nc.flush();
  } finally {
    await nc.close();
  }
}

async function refusal(servers: string): Promise<ConfigError> {
  const err = await connectsTo(servers).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(err)}`);
  return err;
}

describe("credentials in a NATS URL reach the server", () => {
  it("nats://user:pass@host:port", async () => {
    await connectsTo(`nats://alice:secret@127.0.0.1:${userPass.port}`);
  });

  it("wrong credentials are a NATS_AUTH ConfigError that names the URL's credentials, not the password", async () => {
    const wrong = await refusal(`nats://alice:wrong-Pw7x@127.0.0.1:${userPass.port}`);
    expect(wrong.code).toBe("NATS_AUTH");
    expect(wrong.message).toMatch(
      /refused the credentials .*check the user:password@ or token@ in the NATS URL/,
    );
    expect(wrong.message).toContain(`nats://127.0.0.1:${userPass.port}`);
    expect(wrong.message).not.toContain("wrong-Pw7x");

    const none = await refusal(`nats://127.0.0.1:${userPass.port}`);
    expect(none.code).toBe("NATS_AUTH");
  });

  it("empty nats.user/nats.pass count as unset beside them (`pass: ${NATS_PASSWORD:-}`)", async () => {
    const nc = await connectNats({
      servers: `nats://alice:secret@127.0.0.1:${userPass.port}`,
      name: "url-creds-empty-auth",
      auth: { user: "", pass: "" },
    });
    await nc.flush();
    await nc.close();
  });

  it("nats://token@host:port", async () => {
    await connectsTo(`nats://t0ken-Abc@127.0.0.1:${token.port}`);
    const wrong = await refusal(`nats://t0ken-Xyz9@127.0.0.1:${token.port}`);
    expect(wrong.code).toBe("NATS_AUTH");
    expect(wrong.message).not.toContain("t0ken-Xyz9");
  });

  it("a topology's nats.url with credentials opens the run's Bus", async () => {
    const text = stringify({
      models: [{ id: "m", baseUrl: "http://127.0.0.1:9/v1", model: "m" }],
      agents: [{ type: "scheduler" }],
      nats: { url: "${NATS_URL}" },
    });
    const topology = parseTopology(text, "t.yaml", {
      NATS_URL: `nats://alice:secret@127.0.0.1:${userPass.port}`,
    });
    const bus = await Bus.open({
      servers: topology.nats.url ?? "",
      name: "url-creds-bus",
      nats: topology.nats,
      logger: silentLogger(),
    });
    await bus.close();
  });
});
