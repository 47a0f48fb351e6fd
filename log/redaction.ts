/**
 * Three layers keep secrets out of log lines and error output. Field names known to hold secrets are censored
 * by pino wherever they sit (up to four levels deep); the literal values of secrets the process knows (keys and
 * passwords in the environment) are censored wherever they appear; and every finished line is scrubbed of
 * secret-shaped text, for secrets that arrive inside strings: an endpoint's error message echoing the
 * Authorization header, a URL with a password.
 */

export const CENSOR = "[redacted]";

/** Field names whose values are secrets: API keys, NATS credentials, HTTP auth headers. */
const SECRET_FIELDS = [
  "apiKey",
  "api_key",
  "password",
  "pass",
  "token",
  "nkey",
  "nkeySeed",
  "credentials",
  "authorization",
  "Authorization",
  "cookie",
  "x-api-key",
  "api-key",
];

/** Whether a field of this name holds a secret: one list for log lines and for the topology a run records. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.includes(name);
}

const DEPTHS = ["", "*", "*.*", "*.*.*"];

function fieldPath(prefix: string, field: string): string {
  const plain = /^[A-Za-z_$][\w$]*$/.test(field);
  if (plain) return prefix ? `${prefix}.${field}` : field;
  return `${prefix}["${field}"]`;
}

/** pino redact paths: every secret field at the top level and under up to three levels of objects or arrays. */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) =>
  DEPTHS.map((prefix) => fieldPath(prefix, field)),
);

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // A bearer credential, as an endpoint may echo it back in an error message.
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${CENSOR}`],
  // API keys in the sk-... form (OpenAI, Anthropic, many proxies).
  [/\bsk-[A-Za-z0-9_-]{12,}/g, CENSOR],
  // NATS nkey seeds: S, the key type, then 56 base32 characters.
  [/\bS[UAONCPX][A-Z2-7]{56}\b/g, CENSOR],
  // user:password@ inside URLs (nats://alice:secret@host:4222).
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'\\]+@/gi, `$1${CENSOR}@`],
];

/** Replaces secret-shaped text; the output of a JSON line stays valid JSON (nothing quoted is touched). */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** A scheme, then the userinfo up to the last `@` before the host (a password may hold `@` or `,`). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/]*@/gi;

/** Whether a URL (or a comma-separated list of them) holds a `user:password@` or `token@`. */
export function hasUrlCredentials(url: string): boolean {
  return new RegExp(URL_USERINFO.source, "i").test(url);
}

/** A URL, or a comma-separated list of them, as messages may show it: without any `user:password@`. */
export function urlForDisplay(url: string): string {
  return url.replace(URL_USERINFO, "$1");
}

/** A URL's query or fragment, up to the next URL of a comma-separated list, a space or the end. */
const URL_QUERY = /([a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#]\S*?(?=,[a-z][a-z0-9+.-]*:\/\/|\s|$)/gi;

/**
 * Every URL in a text as files that are shared may record it (result files, dataset cards): without
 * `user:password@`, query or fragment, where keys and tokens hide. It says where, not how.
 */
export function urlsForRecord(text: string): string {
  return urlForDisplay(text).replace(URL_QUERY, "$1");
}

/** Prefixes of API keys and tokens as providers issue them. */
const KEY_PREFIX =
  /^(sk|pk|rk)[-_]|^(sk|pk|rk)_(live|test)_|^gh[pousr]_|^github_pat_|^xox[abpr]-|^AKIA|^AIza|^hf_/;

/**
 * Whether a value that should be a name (an environment variable's) looks like a secret instead: a known key
 * prefix, punctuation a name has no use for, or a long run of letters and digits with no words in it.
 */
export function looksLikeSecret(value: string): boolean {
  const trimmed = value.trim();
  if (KEY_PREFIX.test(trimmed)) return true;
  if (trimmed.length >= 16 && /[^A-Za-z0-9_]/.test(trimmed)) return true;
  if (/^(Bearer|Basic)\s/i.test(trimmed)) return true;
  if (/^[0-9a-f]{32,}$/i.test(trimmed)) return true;
  // OPENAI_API_KEY is words in capitals; a token mixes cases and digits without separators.
  return trimmed.length >= 24 && /[a-z]/.test(trimmed) && /[0-9]/.test(trimmed) && !trimmed.includes("_");
}

/** Names of environment variables whose values are secrets whatever the topology says. */
const SECRET_ENV_NAMES = new Set(["NATS_PASSWORD", "NATS_TOKEN", "NATS_NKEY_SEED"]);
const SECRET_ENV_SUFFIX = /(_KEY|_TOKEN|_SECRET|_PASSWORD)$/i;
/** Shorter values would censor ordinary words; they are no secret worth the name either. */
const MIN_SECRET_LENGTH = 6;

const secretEnvNames = new Set<string>();
const secretValues = new Set<string>();

/** Marks environment variables as holding secrets (the variables a topology's `apiKeyEnv` fields name). */
export function rememberSecretEnv(...names: Array<string | undefined>): void {
  for (const name of names) if (name) secretEnvNames.add(name);
}

/** Marks a value the process holds as secret (a password taken from a URL, a key read from a file). */
export function rememberSecret(...values: Array<string | undefined>): void {
  for (const value of values) if (value && value.length >= MIN_SECRET_LENGTH) secretValues.add(value);
}

/**
 * The secret values this process knows: those remembered, and those of environment variables that name a
 * secret (NATS_PASSWORD, NATS_TOKEN, any *_KEY, *_TOKEN, *_SECRET, *_PASSWORD, and every apiKeyEnv seen).
 * Longest first, so a secret that holds another is censored whole.
 */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = Object.entries(env).flatMap(([name, value]) =>
    value && (SECRET_ENV_NAMES.has(name) || secretEnvNames.has(name) || SECRET_ENV_SUFFIX.test(name))
      ? [value]
      : [],
  );
  return [...new Set([...secretValues, ...fromEnv])]
    .filter((value) => value.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/**
 * Censors the literal secret values in `text`. `json`: the text is JSON (a log line), where a secret appears
 * escaped; only that form is replaced, so the line stays valid JSON.
 */
export function redactKnownSecrets(text: string, secrets: readonly string[], json = false): string {
  let out = text;
  for (const secret of secrets) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    // In JSON, a match must not start inside an escape (the `n` of `\n`): an even run of backslashes before it.
    out = json
      ? out.replace(new RegExp(`(?<=(?:^|[^\\\\])(?:\\\\\\\\)*)${escapeRegExp(escaped)}`, "g"), CENSOR)
      : out.replaceAll(escaped, CENSOR).replaceAll(secret, CENSOR);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Everything secret out of a text bound for a terminal or a log: known secret values, then secret shapes. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return scrubSecrets(redactKnownSecrets(text, knownSecrets(env)));
}

/** The same for one JSON log line, which stays valid JSON. */
export function redactLogLine(line: string): string {
  return scrubSecrets(redactKnownSecrets(line, knownSecrets(), true));
}
