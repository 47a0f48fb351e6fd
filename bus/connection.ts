import { readFile } from "node:fs/promises";
import {
  type Authenticator,
  AuthorizationError,
  credsAuthenticator,
  type NatsConnection,
  nkeyAuthenticator,
  nkeys,
  type TlsOptions,
  UserAuthenticationExpiredError,
} from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { quoted } from "../config/issues.ts";
import { NATS_URL_HINT, type NatsConfig, natsServerProblem } from "../config/topology.ts";
import { rememberSecret, urlForDisplay } from "../log/redaction.ts";
import { ConfigError, errorMessage, SystemError } from "../protocol/errors.ts";

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

const URL_CREDENTIALS_FIELD = "the user:password@ or token@ in the NATS URL (NATS_URL or nats.url)";

/** The server list as it may appear in messages: a `user:password@` inside a URL is hidden. */
function displayServers(servers: string): string {
  return servers.replace(/\/\/[^/@\s,]+@/g, "//[redacted]@");
}

/** A NATS server list with the credentials taken out of its URLs. */
export interface NatsServers {
  /** The servers as nats.js gets them: without `user:password@` or `token@` (it would ignore those). */
  servers: string[];
  /** From `nats://user:pass@host`. */
  user?: string;
  pass?: string;
  /** From `nats://token@host`. */
  token?: string;
}

type UrlCredentials = Omit<NatsServers, "servers">;

/** The scheme, then the userinfo up to the last `@` before the host: a password may hold an `@`. */
const USERINFO = /^((?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?)([^/]*)@/;

function decoded(part: string, entry: number): string {
  try {
    return decodeURIComponent(part);
  } catch (err) {
    throw new ConfigError(
      `NATS server ${entry}: the credentials in its URL are not valid percent-encoding; write %40 for @, %3A for :`,
      { cause: err },
    );
  }
}

function credentialsOf(userinfo: string, entry: number): UrlCredentials {
  const colon = userinfo.indexOf(":");
  return colon < 0
    ? { token: decoded(userinfo, entry) }
    : { user: decoded(userinfo.slice(0, colon), entry), pass: decoded(userinfo.slice(colon + 1), entry) };
}

/**
 * Splits a comma-separated server list (NATS_URL or nats.url) into what nats.js understands: URLs without
 * credentials, and the `user:password@` or `token@` they carried as connection options. Every entry must be a
 * NATS address; servers of one list share their credentials.
 */
export function parseNatsServers(list: string): NatsServers {
  if (list.trim() === "") return { servers: [list] };
  let found: { credentials: UrlCredentials; entry: number } | undefined;
  const servers = list.split(",").map((raw, i) => {
    const entry = raw.trim();
    const problem = natsServerProblem(entry);
    if (problem)
      throw new ConfigError(
        `NATS server list (NATS_URL or nats.url): entry ${i + 1} (${quoted(urlForDisplay(entry))}) ${problem}; ${NATS_URL_HINT}`,
        { code: "NATS_URL" },
      );
    const match = USERINFO.exec(entry);
    if (!match) return entry;
    const credentials = credentialsOf(match[2] ?? "", i + 1);
    if (found && JSON.stringify(found.credentials) !== JSON.stringify(credentials))
      throw new ConfigError(
        `NATS server list: entries ${found.entry} and ${i + 1} carry different credentials; one connection has one identity: give the same user:password@ (or token@) to every server, or to the first only`,
        { code: "NATS_URL" },
      );
    found ??= { credentials, entry: i + 1 };
    return `${match[1]}${entry.slice(match[0].length)}`;
  });
  return { servers, ...found?.credentials };
}

/**
 * The credentials a connection uses: the URL's or the nats section's, never both: which one the server checks
 * would otherwise be nats.js's choice, not the user's.
 */
function mergedCredentials(fromUrl: UrlCredentials, auth: NatsAuth): UrlCredentials {
  const inUrl =
    fromUrl.token !== undefined ? "a token@" : fromUrl.user !== undefined ? "a user:password@" : "";
  if (!inUrl)
    return { user: auth.user || undefined, pass: auth.pass || undefined, token: auth.token || undefined };
  const alsoSet = (["user", "pass", "token", "nkeySeed", "credsFile"] as const)
    .filter((field) => auth[field])
    .map((field) => `nats.${field}`);
  if (alsoSet.length > 0)
    throw new ConfigError(
      `the NATS URL (NATS_URL or nats.url) holds ${inUrl} and ${alsoSet.join(", ")} ${alsoSet.length === 1 ? "is" : "are"} set too: ` +
        `keep one: take the credentials out of the URL, or remove ${alsoSet.join(", ")}`,
      { code: "NATS_AUTH_CONFLICT" },
    );
  return fromUrl;
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

/** The server refused the credentials (an authorization violation, an expired or timed-out authentication). */
function isAuthFailure(err: unknown): boolean {
  let current = err;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current instanceof AuthorizationError || current instanceof UserAuthenticationExpiredError)
      return true;
    current = current.cause;
  }
  return false;
}

/** Turns a failed connect into an error that says what to check: credentials, TLS files or the server. */
function connectFailure(err: unknown, servers: string, tls: NatsAuth["tls"], urlCredentials: boolean): Error {
  const where = `NATS at ${displayServers(servers)}`;
  const reason = errorMessage(err);
  if (isAuthFailure(err)) {
    const check = urlCredentials ? URL_CREDENTIALS_FIELD : AUTH_FIELDS;
    return new ConfigError(
      `${where} refused the credentials (${reason}): check ${check}; secrets come from the environment, e.g. pass: \${NATS_PASSWORD}`,
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
  const { servers, ...fromUrl } = parseNatsServers(options.servers);
  const credentials = mergedCredentials(fromUrl, auth);
  rememberSecret(credentials.pass, credentials.token);
  const authenticator = await authenticatorFor(auth);
  const tls = await tlsOptions(auth.tls);
  try {
    return await connect({
      servers,
      name: options.name,
      ...credentials,
      authenticator,
      tls,
      timeout: options.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (err) {
    throw connectFailure(
      err,
      servers.join(","),
      auth.tls,
      fromUrl.user !== undefined || fromUrl.token !== undefined,
    );
  }
}
