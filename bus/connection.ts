import { readFile } from "node:fs/promises";
import {
  type Authenticator,
  AuthorizationError,
  credsAuthenticator,
  type NatsConnection,
  nkeyAuthenticator,
  nkeys,
  type TlsOptions,
} from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { NatsConfig } from "../config/topology.ts";
import { ConfigError, errorMessage, SystemError } from "../core/errors.ts";

/** The credentials and TLS files of the topology's `nats` section. */
export type NatsAuth = Omit<NatsConfig, "url" | "replicas">;

/** Options for one NATS connection: servers plus the credentials and TLS the topology names. */
export interface ConnectOptions {
  servers: string;
  name: string;
  auth?: NatsAuth;
  timeoutMs?: number;
}

const AUTH_FIELDS = "nats.user/nats.pass, nats.token, nats.nkeySeed or nats.credsFile";
const CLIENT_CERT_FIELDS = "nats.tls.certFile and nats.tls.keyFile";
const TLS_FIELDS = `nats.tls.caFile (the CA that signed the server's certificate) and, where the server verifies clients, ${CLIENT_CERT_FIELDS}`;

/** The server list as it may appear in messages: a `user:password@` inside a URL is hidden. */
function displayServers(servers: string): string {
  return servers.replace(/\/\/[^/@\s,]+@/g, "//[redacted]@");
}

async function readConfigFile(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(`${field}: cannot read ${path} (${errorMessage(err)}); check the path`, {
      cause: err,
    });
  }
}

function userSeed(seed: string): Uint8Array {
  const bytes = new TextEncoder().encode(seed.trim());
  let publicKey: string;
  try {
    publicKey = nkeys.fromSeed(bytes).getPublicKey();
  } catch (err) {
    throw new ConfigError(
      "nats.nkeySeed is not a valid nkey seed (a user seed starts with SU); set it from the environment, e.g. nkeySeed: ${NATS_NKEY_SEED}",
      { cause: err },
    );
  }
  if (!publicKey.startsWith("U"))
    throw new ConfigError(
      "nats.nkeySeed is not a user seed (SU...); generate one with `nsc` or `nk -gen user`",
    );
  return bytes;
}

// Empty strings count as unset, so a topology can write `token: ${NATS_TOKEN:-}` and leave auth optional.
async function authenticatorFor(auth: NatsAuth): Promise<Authenticator | undefined> {
  if (auth.credsFile && auth.nkeySeed)
    throw new ConfigError(
      "nats.credsFile and nats.nkeySeed are both set: a creds file holds the seed; keep one",
    );
  if (auth.credsFile)
    return credsAuthenticator(
      new TextEncoder().encode(await readConfigFile(auth.credsFile, "nats.credsFile")),
    );
  if (auth.nkeySeed) return nkeyAuthenticator(userSeed(auth.nkeySeed));
  return undefined;
}

// Files are read here rather than by the client so a wrong path is a ConfigError naming its field.
async function tlsOptions(tls: NatsAuth["tls"]): Promise<TlsOptions | undefined> {
  if (!tls) return undefined;
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile))
    throw new ConfigError("nats.tls: certFile and keyFile go together (the client certificate and its key)");
  return {
    ca: tls.caFile ? await readConfigFile(tls.caFile, "nats.tls.caFile") : undefined,
    cert: tls.certFile ? await readConfigFile(tls.certFile, "nats.tls.certFile") : undefined,
    key: tls.keyFile ? await readConfigFile(tls.keyFile, "nats.tls.keyFile") : undefined,
  };
}

function isTlsFailure(err: unknown): boolean {
  const texts = [err, (err as { cause?: unknown })?.cause].map((e) =>
    `${(e as { code?: string })?.code ?? ""} ${errorMessage(e)}`.toLowerCase(),
  );
  return texts.some((t) => /tls|ssl|certificate|cert_|self.signed|altname/.test(t));
}

/** Turns a failed connect into an error that says what to check: credentials, TLS files or the server. */
function connectFailure(err: unknown, servers: string, tls: NatsAuth["tls"]): Error {
  const where = `NATS at ${displayServers(servers)}`;
  const reason = errorMessage(err);
  if (err instanceof AuthorizationError || /authoriz|authentic/i.test(reason)) {
    return new ConfigError(
      `${where} refused the credentials (${reason}): check ${AUTH_FIELDS}; secrets come from the environment, e.g. pass: \${NATS_PASSWORD}`,
      { cause: err, code: "NATS_AUTH" },
    );
  }
  if (isTlsFailure(err)) {
    return new ConfigError(`TLS with ${where} failed (${reason}): check ${TLS_FIELDS}`, {
      cause: err,
      code: "NATS_TLS",
    });
  }
  // A server that wants a client certificate and gets none drops the connection: the client sees a timeout.
  const hint = tls
    ? `is nats-server running there? if it verifies clients, set ${CLIENT_CERT_FIELDS}`
    : "is nats-server running there? unset NATS_URL to let nanoflux start one";
  return new SystemError(`cannot connect to ${where} (${reason}): ${hint}`, {
    cause: err,
    code: "NATS_UNREACHABLE",
  });
}

export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const auth = options.auth ?? {};
  const authenticator = await authenticatorFor(auth);
  const tls = await tlsOptions(auth.tls);
  try {
    return await connect({
      servers: options.servers.split(",").map((s) => s.trim()),
      name: options.name,
      user: auth.user || undefined,
      pass: auth.pass || undefined,
      token: auth.token || undefined,
      authenticator,
      tls,
      timeout: options.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (err) {
    throw connectFailure(err, options.servers, auth.tls);
  }
}
