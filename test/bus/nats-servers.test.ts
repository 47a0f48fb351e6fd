import { describe, expect, it } from "vitest";
import { connectNats, parseNatsServers } from "../../bus/connection.ts";
import { ConfigError } from "../../protocol/errors.ts";

describe("a NATS server list's credentials become connection options", () => {
  it("user:password@ and token@ are taken out of the URLs", () => {
    expect(parseNatsServers("nats://alice:s3cret@127.0.0.1:4222")).toEqual({
      servers: ["nats://127.0.0.1:4222"],
      user: "alice",
      pass: "s3cret",
    });
    expect(parseNatsServers("tls://t0ken-Abc@nats.example.com:4222")).toEqual({
      servers: ["tls://nats.example.com:4222"],
      token: "t0ken-Abc",
    });
    expect(parseNatsServers("bob:pw@10.0.0.1:4222")).toEqual({
      servers: ["10.0.0.1:4222"],
      user: "bob",
      pass: "pw",
    });
  });

  it("percent-encoded credentials are decoded, and a password may hold an @", () => {
    expect(parseNatsServers("nats://a%40corp:p%3Aw@h:4222")).toMatchObject({ user: "a@corp", pass: "p:w" });
    expect(parseNatsServers("nats://alice:p@ss@h:4222")).toEqual({
      servers: ["nats://h:4222"],
      user: "alice",
      pass: "p@ss",
    });
  });

  it("a cluster list shares one identity: given once or the same on every server", () => {
    expect(parseNatsServers("nats://a:b@h1:4222, nats://h2:4222,nats://a:b@h3:4222")).toEqual({
      servers: ["nats://h1:4222", "nats://h2:4222", "nats://h3:4222"],
      user: "a",
      pass: "b",
    });
    expect(() => parseNatsServers("nats://a:b@h1:4222,nats://c:d@h2:4222")).toThrow(
      /entries 1 and 2 carry different credentials/,
    );
  });

  it("a list without credentials passes as it is", () => {
    expect(parseNatsServers("nats://h1:4222, h2:4222")).toEqual({ servers: ["nats://h1:4222", "h2:4222"] });
  });

  it("an entry that is no NATS address is a ConfigError that shows it without its password", () => {
    const error = (() => {
      try {
        parseNatsServers("nats://h1:4222,http://alice:pw-Zq81xV@h2:8222");
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^NATS server list \(NATS_URL or nats\.url\): entry 2 \("http:\/\/h2:8222"\) has the scheme "http".*nats:\/\/host:4222/,
    );
    expect((error as Error).message).not.toContain("pw-Zq81xV");
  });

  it("credentials in the URL and in the nats section are refused together, naming both", async () => {
    const cases = [
      {
        auth: { user: "alice", pass: "s3cret" },
        named: /holds a user:password@ and nats\.user, nats\.pass are set too/,
      },
      { auth: { token: "t0ken" }, named: /holds a user:password@ and nats\.token is set too/ },
    ];
    for (const { auth, named } of cases) {
      const error = await connectNats({
        servers: "nats://alice:s3cret@127.0.0.1:9",
        name: "conflict",
        auth,
      }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe("NATS_AUTH_CONFLICT");
      expect((error as Error).message).toMatch(named);
      expect((error as Error).message).not.toContain("s3cret");
    }
  });
});
