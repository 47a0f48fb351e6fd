import { nkeys } from "@nats-io/nats-core";
import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { classifyFailure, endpointContext, failureToError } from "../../llm/endpoint-failure.ts";
import { createLogger, type LogFormat, type Logger } from "../../log/logger.ts";
import { CENSOR, scrubSecrets } from "../../log/redaction.ts";
import { errorMessage } from "../../protocol/errors.ts";

const API_KEY = "sk-proj-Zx81QmWv3LkT6yNbR4cD";
const HEADER_KEY = "sk-header-9JpQ2wErTy7UiOpAsD";
const NATS_PASS = "nats-pass-Hq4vX8rB";
const NATS_TOKEN = "nats-token-Lm3nB7vC";
const URL_PASS = "url-pass-Tr6yU1iO";
const NKEY_SEED = new TextDecoder().decode(nkeys.createUser().getSeed());
const CREDS = `-----BEGIN USER NKEY SEED-----\n${NKEY_SEED}\n------END USER NKEY SEED------\n`;
const SECRETS = [API_KEY, HEADER_KEY, NATS_PASS, NATS_TOKEN, URL_PASS, NKEY_SEED];

function capturedLogger(format: LogFormat = "json"): { logger: Logger; lines: () => string[] } {
  const written: string[] = [];
  const logger = createLogger({
    level: "debug",
    format,
    destination: { write: (line: string) => written.push(line) },
  });
  return { logger, lines: () => written.join("").split("\n").filter(Boolean) };
}

/** The error the OpenAI client raises for a 401 whose body echoes the Authorization header back. */
function echoingAuthError(): APIError {
  const body = {
    error: { message: `Invalid Authorization header: Bearer ${API_KEY}`, type: "invalid_request_error" },
  };
  return APIError.generate(401, body, undefined, new Headers({ "www-authenticate": `Bearer ${API_KEY}` }));
}

/** Logs every kind of secret the logger must keep out: fields, headers, errors that echo a key, URLs, seeds. */
function logEverySecret(logger: Logger): void {
  const topology = {
    models: [{ id: "gpt", baseUrl: "https://api.example.com/v1", apiKey: API_KEY }],
    nats: {
      url: `nats://alice:${URL_PASS}@127.0.0.1:4222`,
      user: "alice",
      pass: NATS_PASS,
      token: NATS_TOKEN,
      nkeySeed: NKEY_SEED,
      credentials: CREDS,
    },
  };
  logger.debug({ topology }, "topology loaded");
  logger.child({ agent: "judge" }).info({ nats: topology.nats }, "connecting");
  logger.debug(
    { request: { headers: { authorization: `Bearer ${HEADER_KEY}`, "x-api-key": HEADER_KEY } } },
    "model request",
  );
  logger.debug({ headers: { Authorization: `Bearer ${HEADER_KEY}` } }, "raw headers");
  const clientError = echoingAuthError();
  logger.error({ err: clientError }, "model call failed");
  const projectError = failureToError(
    classifyFailure(clientError, false),
    endpointContext({
      id: "gpt",
      baseUrl: "https://api.example.com/v1",
      model: "gpt-4.1-mini",
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: 1,
      timeoutMs: 1000,
      maxRetries: 0,
      structuredOutput: "json_schema",
    }),
    1,
  );
  logger.warn({ err: projectError }, errorMessage(projectError));
  logger.info(`connected to nats://alice:${URL_PASS}@127.0.0.1:4222 with seed ${NKEY_SEED}`);
}

describe("the logger keeps secrets out of every line", () => {
  it("censors secret fields, secret-shaped text and errors that echo a key, at debug level", () => {
    const { logger, lines } = capturedLogger();
    logEverySecret(logger);

    const output = lines();
    expect(output).toHaveLength(7);
    const text = output.join("\n");
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    // What is not secret still reaches the log, so the lines above were written and are useful.
    expect(text).toContain('"user":"alice"');
    expect(text).toContain("https://api.example.com/v1");
    expect(text).toContain("Invalid Authorization header: Bearer [redacted]");
    for (const line of output) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("in the text format too: one line per event (stacks indented under theirs), no secret in any", () => {
    const { logger, lines } = capturedLogger("text");
    logEverySecret(logger);
    const output = lines();
    expect(output.filter((line) => /^\d\d:\d\d:\d\d /.test(line))).toHaveLength(7);
    const text = output.join("\n");
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('"user":"alice"');
    expect(text).toContain("https://api.example.com/v1");
    expect(text).toContain("Invalid Authorization header: Bearer [redacted]");
  });

  it("scrubs bearer keys, sk- keys, nkey seeds and URL passwords from any text", () => {
    expect(scrubSecrets(`Authorization: Bearer ${HEADER_KEY}`)).toBe(`Authorization: Bearer ${CENSOR}`);
    expect(scrubSecrets(`key ${API_KEY} rejected`)).toBe(`key ${CENSOR} rejected`);
    expect(scrubSecrets(`seed ${NKEY_SEED}`)).toBe(`seed ${CENSOR}`);
    expect(scrubSecrets(`nats://alice:${URL_PASS}@h:4222,nats://h2:4222`)).toBe(
      `nats://${CENSOR}@h:4222,nats://h2:4222`,
    );
    // Ordinary text, public nkeys and URLs without credentials pass unchanged.
    const publicKey = nkeys.createUser().getPublicKey();
    const plain = `basic arithmetic; user ${publicKey} at http://127.0.0.1:8080/v1`;
    expect(scrubSecrets(plain)).toBe(plain);
  });
});
