import { readFile } from "node:fs/promises";
import { credsAuthenticator, type NatsConnection, nkeyAuthenticator } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { NatsConfig } from "../config/topology.ts";
import { ConfigError, SystemError } from "../core/errors.ts";

/** Options for one NATS connection: servers plus the credentials and TLS the topology names. */
export interface ConnectOptions {
  servers: string;
  name: string;
  auth?: Omit<NatsConfig, "url" | "replicas">;
  timeoutMs?: number;
}

async function readFileOrThrow(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(`nats.${what}: cannot read ${path} (${(err as Error).message}); check the path`);
  }
}

export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const auth = options.auth ?? {};
  const authenticator = auth.credsFile
    ? credsAuthenticator(new TextEncoder().encode(await readFileOrThrow(auth.credsFile, "credsFile")))
    : auth.nkeySeed
      ? nkeyAuthenticator(new TextEncoder().encode(auth.nkeySeed))
      : undefined;
  const tls = auth.tls
    ? {
        caFile: auth.tls.caFile,
        certFile: auth.tls.certFile,
        keyFile: auth.tls.keyFile,
      }
    : undefined;
  try {
    return await connect({
      servers: options.servers.split(",").map((s) => s.trim()),
      name: options.name,
      user: auth.user,
      pass: auth.pass,
      token: auth.token,
      authenticator,
      tls,
      timeout: options.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (err) {
    const reason = (err as Error).message;
    const hint = /authoriz|authentic/i.test(reason)
      ? "check nats.user/pass, nats.token, nats.credsFile or nats.nkeySeed"
      : "is nats-server running there? unset NATS_URL to let nanoflux start one";
    throw new SystemError(`cannot connect to NATS at ${options.servers} (${reason}): ${hint}`, {
      cause: err,
      code: "NATS_UNREACHABLE",
    });
  }
}
