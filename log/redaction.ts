/**
 * Two layers keep secrets out of log lines. Field names known to hold secrets are censored by pino wherever
 * they sit (up to four levels deep); and every finished line is scrubbed of secret-shaped text, for secrets
 * that arrive inside strings: an endpoint's error message echoing the Authorization header, a URL with a
 * password.
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
  "seed",
  "credentials",
  "authorization",
  "Authorization",
  "cookie",
  "x-api-key",
  "api-key",
];

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
