import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { nkeys } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { Bus } from "../../bus/bus.ts";
import { type EmbeddedNats, freePort, startEmbeddedNats } from "../../bus/embedded-server.ts";
import { parseTopology } from "../../config/load.ts";
import { silentLogger } from "../../log/logger.ts";
import { ConfigError, SystemError } from "../../protocol/errors.ts";

const run = promisify(execFile);
const HAS_OPENSSL = spawnSync("openssl", ["version"]).status === 0;

let dir: string;
const servers: EmbeddedNats[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nanoflux-auth-"));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(dir, { recursive: true, force: true });
});

/** A JetStream nats-server whose settings come from a config file holding `config`. */
async function natsWithConfig(name: string, config: string): Promise<EmbeddedNats> {
  const file = join(dir, `${name}.conf`);
  await writeFile(file, config);
  const server = await startEmbeddedNats({ storeDir: join(dir, name), args: ["-c", file] });
  servers.push(server);
  return server;
}

/**
 * Opens a Bus the way agents do: the topology's nats section, `${ENV}` interpolated from `env`, handed to
 * Bus.open (which connects, then sets up the run stream and the state bucket).
 */
async function openThroughTopology(
  nats: Record<string, unknown>,
  env: Record<string, string>,
): Promise<void> {
  const text = stringify({
    models: [{ id: "m", baseUrl: "http://127.0.0.1:9/v1", model: "m" }],
    agents: [{ type: "scheduler" }],
    nats,
  });
  const topology = parseTopology(text, "auth.yaml", env);
  const bus = await Bus.open({
    servers: topology.nats.url ?? "",
    name: "auth-test",
    nats: topology.nats,
    logger: silentLogger(),
  });
  await bus.close();
}

async function refusal(open: Promise<void>): Promise<Error> {
  const err = await open.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error("expected the connection to be refused");
  return err;
}

describe("NATS credentials from the topology reach the server", () => {
  it("user and password (password from the environment)", async () => {
    const server = await natsWithConfig("userpass", 'authorization { user: alice, password: "s3cret-Pw" }');
    const nats = { url: server.url, user: "alice", pass: "${NATS_PASSWORD}" };
    await openThroughTopology(nats, { NATS_PASSWORD: "s3cret-Pw" });

    const err = await refusal(openThroughTopology(nats, { NATS_PASSWORD: "wrong-Pw" }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/refused the credentials.*check nats\.user\/nats\.pass/);
    expect(err.message).not.toContain("wrong-Pw");
  });

  it("token", async () => {
    const server = await natsWithConfig("token", 'authorization { token: "t0ken-Abc" }');
    const nats = { url: server.url, token: "${NATS_TOKEN}" };
    await openThroughTopology(nats, { NATS_TOKEN: "t0ken-Abc" });

    const err = await refusal(openThroughTopology(nats, { NATS_TOKEN: "t0ken-Xyz" }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/nats\.token/);
  });

  it("nkey seed (from the environment)", async () => {
    const user = nkeys.createUser();
    const server = await natsWithConfig(
      "nkey",
      `authorization { users: [ { nkey: ${user.getPublicKey()} } ] }`,
    );
    const nats = { url: server.url, nkeySeed: "${NATS_NKEY_SEED}" };
    const seedOf = (kp: typeof user) => new TextDecoder().decode(kp.getSeed());
    await openThroughTopology(nats, { NATS_NKEY_SEED: seedOf(user) });

    const stranger = await refusal(openThroughTopology(nats, { NATS_NKEY_SEED: seedOf(nkeys.createUser()) }));
    expect(stranger).toBeInstanceOf(ConfigError);
    expect(stranger.message).toMatch(/nats\.nkeySeed/);

    const garbled = await refusal(openThroughTopology(nats, { NATS_NKEY_SEED: "SUnot-a-seed" }));
    expect(garbled.message).toMatch(/nats\.nkeySeed is not a valid nkey seed/);
  });

  it("a creds file that cannot be read is a ConfigError naming the field", async () => {
    const server = await natsWithConfig("creds", "");
    const missing = join(dir, "nobody.creds");
    const err = await refusal(openThroughTopology({ url: server.url, credsFile: missing }, {}));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`nats.credsFile: cannot read ${missing}`);
  });

  it("an address with no server is a SystemError, with any URL password hidden", async () => {
    const url = `nats://alice:url-Secret@127.0.0.1:${await freePort()}`;
    const err = await refusal(openThroughTopology({ url }, {}));
    expect(err).toBeInstanceOf(SystemError);
    expect(err.message).toMatch(/is nats-server running there/);
    expect(err.message).not.toContain("url-Secret");
  });
});

/**
 * A CA, and signed by it a server certificate for 127.0.0.1 (which the client checks as "localhost") and a
 * client certificate.
 */
async function makeCertificates(
  into: string,
): Promise<Record<"ca" | "serverCert" | "serverKey" | "clientCert" | "clientKey", string>> {
  const path = (name: string) => join(into, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    path("ca.key"),
    "-out",
    path("ca.pem"),
    "-days",
    "1",
    "-subj",
    "/CN=nanoflux test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  for (const [who, ext] of [
    ["server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"],
    ["client", "extendedKeyUsage=clientAuth\n"],
  ] as const) {
    await writeFile(path(`${who}.ext`), ext);
    await run("openssl", [
      "req",
      ...ec,
      "-keyout",
      path(`${who}.key`),
      "-out",
      path(`${who}.csr`),
      "-subj",
      `/CN=${who}`,
    ]);
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      path(`${who}.csr`),
      "-CA",
      path("ca.pem"),
      "-CAkey",
      path("ca.key"),
      "-CAcreateserial",
      "-out",
      path(`${who}.pem`),
      "-days",
      "1",
      "-extfile",
      path(`${who}.ext`),
    ]);
  }
  return {
    ca: path("ca.pem"),
    serverCert: path("server.pem"),
    serverKey: path("server.key"),
    clientCert: path("client.pem"),
    clientKey: path("client.key"),
  };
}

describe.skipIf(!HAS_OPENSSL)("TLS to NATS (needs openssl to make the test certificates)", () => {
  it("connects with the topology's CA and client certificate; says what to check when they are missing", async () => {
    const certs = await makeCertificates(dir);
    const server = await natsWithConfig(
      "tls",
      `tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}", ca_file: "${certs.ca}", verify: true }`,
    );
    const env = { NATS_CA_FILE: certs.ca, NATS_CERT_FILE: certs.clientCert, NATS_KEY_FILE: certs.clientKey };
    const tls = { caFile: "${NATS_CA_FILE}", certFile: "${NATS_CERT_FILE}", keyFile: "${NATS_KEY_FILE}" };
    await openThroughTopology({ url: server.url, tls }, env);

    const untrusted = await refusal(openThroughTopology({ url: server.url }, {}));
    expect(untrusted).toBeInstanceOf(ConfigError);
    expect(untrusted.message).toMatch(/TLS with NATS .* failed .*check nats\.tls\.caFile/);

    const anonymous = await refusal(openThroughTopology({ url: server.url, tls: { caFile: certs.ca } }, {}));
    // The server drops a client without a certificate; the client only sees a timeout, so it is a SystemError.
    expect(anonymous).toBeInstanceOf(SystemError);
    expect(anonymous.message).toMatch(
      /if it verifies clients, set nats\.tls\.certFile and nats\.tls\.keyFile/,
    );

    const halfPair = await refusal(
      openThroughTopology({ url: server.url, tls: { certFile: certs.clientCert } }, {}),
    );
    expect(halfPair.message).toMatch(/certFile and keyFile go together/);
  });
});
