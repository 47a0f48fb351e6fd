import { afterEach, describe, expect, it } from "vitest";
import { reportFatal } from "../../cli/errors.ts";
import { parseTopology } from "../../config/load.ts";
import { createLogger } from "../../log/logger.ts";
import { CENSOR, knownSecrets, redactKnownSecrets, redactSecrets } from "../../log/redaction.ts";
import { ConfigError, SystemError } from "../../protocol/errors.ts";

const URL_PASSWORD = "url-Pw-Tr6yU1iO";
const SERVICE_TOKEN = "tok-Hq4vX8rB9w";
const NATS_PASSWORD = "nats-Lm3nB7vCq";
const CUSTOM_KEY = "custom-Zx81QmWv";

/** What reportFatal writes, and the exit code it gives. */
function reported(err: unknown, env: NodeJS.ProcessEnv): { text: string; code: number } {
  const chunks: string[] = [];
  const stderr = { write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WritableStream;
  const code = reportFatal(err, stderr, env);
  return { text: chunks.join(""), code };
}

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe("every error reaches stderr redacted", () => {
  const env = { MY_SERVICE_TOKEN: SERVICE_TOKEN, NATS_PASSWORD, HOME: "/home/someone" };

  it("a URL's password and a secret environment variable's value, in a project error", () => {
    const err = new SystemError(
      `cannot reach https://alice:${URL_PASSWORD}@llm.example.com/v1 with ${SERVICE_TOKEN} (nats: ${NATS_PASSWORD})`,
    );
    const { text, code } = reported(err, env);
    expect(code).toBe(1);
    expect(text).toBe(
      `nanoflux: cannot reach https://${CENSOR}@llm.example.com/v1 with ${CENSOR} (nats: ${CENSOR})\n`,
    );
  });

  it("a ConfigError keeps its exit code; an unexpected error's debug stack is redacted too", () => {
    expect(reported(new ConfigError(`bad key ${SERVICE_TOKEN}`), env)).toEqual({
      text: `nanoflux: bad key ${CENSOR}\n`,
      code: 2,
    });
    const { text, code } = reported(new TypeError(`fetch https://bob:${URL_PASSWORD}@h/v1 failed`), {
      ...env,
      NANOFLUX_LOG_LEVEL: "debug",
    });
    expect(code).toBe(1);
    expect(text).toContain("nanoflux: unexpected error: fetch https://[redacted]@h/v1 failed");
    // The stack is printed, and it repeats the message: redacted there too.
    expect(text).toMatch(/TypeError: fetch https:\/\/\[redacted\]@h\/v1 failed\n\s+at /);
    expect(text).not.toContain(URL_PASSWORD);
  });

  it("values of variables a topology's apiKeyEnv names, whatever their names", () => {
    process.env.LLM_CREDENTIAL = CUSTOM_KEY;
    expect(redactSecrets(`got ${CUSTOM_KEY}`)).toBe(`got ${CUSTOM_KEY}`);
    parseTopology(
      "models: [{ id: m, baseUrl: http://h/v1, model: m, apiKeyEnv: LLM_CREDENTIAL }]\nagents: [{ type: scheduler }]\n",
      "t.yaml",
      {},
    );
    expect(reported(new SystemError(`server echoed ${CUSTOM_KEY}`), process.env).text).toBe(
      `nanoflux: server echoed ${CENSOR}\n`,
    );
  });

  it("short values and ordinary variables are left alone", () => {
    const secrets = knownSecrets({ SORT_KEY: "name", PATH: "/usr/bin:/bin", NATS_TOKEN: "t0ken-Abc" });
    expect(secrets).toContain("t0ken-Abc");
    expect(secrets).not.toContain("name");
    expect(secrets).not.toContain("/usr/bin:/bin");
  });
});

describe("the logger censors the secret values the process knows", () => {
  it("in any field or message, and the line stays JSON", () => {
    const quoted = 'pa"ss\\word-Qx7';
    process.env.PROVIDER_API_KEY = SERVICE_TOKEN;
    process.env.NATS_PASSWORD = quoted;
    const written: string[] = [];
    const logger = createLogger({
      level: "debug",
      format: "json",
      destination: { write: (line: string) => written.push(line) },
    });
    logger.info(
      { detail: `echo ${SERVICE_TOKEN}`, nested: { why: `pw ${quoted}` } },
      `said ${SERVICE_TOKEN}`,
    );
    const line = written.join("");
    expect(line).not.toContain(SERVICE_TOKEN);
    expect(line).not.toContain(JSON.stringify(quoted).slice(1, -1));
    const parsed = JSON.parse(line) as { msg: string; detail: string; nested: { why: string } };
    expect(parsed).toMatchObject({
      msg: `said ${CENSOR}`,
      detail: `echo ${CENSOR}`,
      nested: { why: `pw ${CENSOR}` },
    });
  });
});

describe("censoring a known secret in a JSON line", () => {
  it("never starts inside an escape, so the line stays JSON", () => {
    const line = JSON.stringify({ msg: "a\n-abcdef12 and n-abcdef12 and (x+y)*z" });
    const out = redactKnownSecrets(line, ["n-abcdef12", "(x+y)*z"], true);
    expect(JSON.parse(out)).toEqual({ msg: `a\n-abcdef12 and ${CENSOR} and ${CENSOR}` });
  });
});
