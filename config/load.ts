import { open, stat } from "node:fs/promises";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { redactSecrets, rememberSecretEnv } from "../log/redaction.ts";
import { ConfigError } from "../protocol/errors.ts";
import { crossReferenceIssues } from "./cross-references.ts";
import { interpolateEnv } from "./interpolate.ts";
import { explainIssues, formatPath, type TopologyIssue } from "./issues.ts";
import { LIMITS, Topology } from "./topology.ts";

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Problems a TopologyError's message lists; the rest are counted (all stay in `issues`). */
const MAX_LISTED_ISSUES = 50;
/** Characters of one path, message or hint in the message: each issue is a line or two, whatever it quotes. */
const MAX_ISSUE_TEXT = 500;

/** Quoted values longer than this are cut, whichever check quoted them. */
const MAX_QUOTED = 40;

function cut(text: string): string {
  const short = text.length <= MAX_ISSUE_TEXT ? text : `${text.slice(0, MAX_ISSUE_TEXT)}… (cut)`;
  // Quotes pair up from the left: each match is one quoted value, never the prose between two.
  return short.replace(/"[^"]*"/g, (value) =>
    value.length <= MAX_QUOTED + 2 ? value : `${value.slice(0, MAX_QUOTED + 1)}…"`,
  );
}

/**
 * A topology file with problems: every one of them, each with its field path and a hint. However large or
 * hostile the file, the message stays short (each text cut, at most 50 problems listed) and holds no secret.
 */
export class TopologyError extends ConfigError {
  readonly issues: TopologyIssue[];
  constructor(file: string, found: TopologyIssue[]) {
    const issues = found.map((i) => ({ path: cut(i.path), message: cut(i.message), hint: cut(i.hint) }));
    const lines = issues
      .slice(0, MAX_LISTED_ISSUES)
      .map((i) => `  - ${i.path}: ${i.message}\n      hint: ${i.hint}`);
    if (issues.length > MAX_LISTED_ISSUES) lines.push(`  ... and ${issues.length - MAX_LISTED_ISSUES} more`);
    super(
      redactSecrets(
        `${cut(file)}: invalid topology (${issues.length} problem${issues.length === 1 ? "" : "s"})\n${lines.join("\n")}`,
      ),
    );
    this.issues = issues;
  }
}

export function zodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Parses YAML (or JSON) text into a plain document; syntax errors name the line. */
export function parseYamlDocument(text: string, file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const line = err instanceof YAMLParseError && err.linePos ? err.linePos[0].line : undefined;
    throw new TopologyError(file, [
      {
        path: "(file)",
        message: `not valid YAML${line ? ` at line ${line}` : ""}: ${(err as Error).message.split("\n")[0]}`,
        hint: "check the indentation, colons and quotes there (a value holding ': ' or '#' needs quotes)",
      },
    ]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new TopologyError(file, [
      {
        path: "(root)",
        message: `expected a mapping, got ${raw === null ? "an empty file" : Array.isArray(raw) ? "a list" : "a single value"}`,
        hint: "write keys at the top level: models:, agents:, run:, ... (see topologies/README.md)",
      },
    ]);
  }
  return raw as Record<string, unknown>;
}

/** The same check can fail both in zod's pass and in the loose cross-section pass: report it once. */
function unique(issues: TopologyIssue[]): TopologyIssue[] {
  return [...new Map(issues.map((issue) => [`${issue.path}\u0000${issue.message}`, issue])).values()];
}

/**
 * Validates a parsed document after `${ENV}` interpolation, or throws a TopologyError listing every issue.
 * Zod skips the cross-section checks when a section is malformed, so they are also run on the raw document.
 */
export function validateTopology(
  document: Record<string, unknown>,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Topology {
  const interpolated = interpolateEnv(document, env);
  const result = Topology.safeParse(interpolated.value);
  if (result.success && interpolated.issues.length === 0) {
    // Errors and log lines censor these variables' values from now on.
    rememberSecretEnv(...result.data.models.map((m) => m.apiKeyEnv), result.data.training?.apiKeyEnv);
    return result.data;
  }
  // A field whose variable is missing still holds its placeholder: its schema errors would only repeat that.
  const unresolved = new Set(interpolated.issues.map((issue) => issue.path));
  const schemaIssues = result.success ? [] : explainIssues(result.error.issues, Topology, interpolated.value);
  const rawIssues = result.success ? [] : result.error.issues;
  // Lists and mappings over their limits would make the loose pass slow and its hints (every id) useless.
  const oversized = rawIssues.some(
    (i) => (i.code === "too_big" && i.origin === "array") || (i.code === "custom" && i.params?.oversized),
  );
  // A value too long to be right needs no second issue that quotes it.
  const overlong = new Set(
    rawIssues.filter((i) => i.code === "too_big" || i.code === "invalid_key").map((i) => formatPath(i.path)),
  );
  const crossIssues = (oversized ? [] : crossReferenceIssues(interpolated.value))
    .map((issue) => ({ ...issue, path: formatPath(issue.path) }))
    .filter((issue) => !overlong.has(issue.path));
  const issues = unique([
    ...interpolated.issues,
    ...schemaIssues.filter((issue) => !unresolved.has(issue.path)),
    ...crossIssues,
  ]);
  throw new TopologyError(file, issues);
}

function tooLarge(file: string, size: string): ConfigError {
  return new ConfigError(
    `${file}: ${size}, more than the ${LIMITS.fileBytes} bytes (1 MiB) a topology file may hold; ` +
      "a topology names models and agents: move data (benchmarks, prompts) into the files it points to",
    { code: "TOPOLOGY_TOO_LARGE" },
  );
}

/** Parses topology text (YAML or JSON) into a validated Topology. */
export function parseTopology(
  text: string,
  file = "topology",
  env: NodeJS.ProcessEnv = process.env,
): Topology {
  // Characters, not bytes: a cheap bound for text that did not come through readTopologyText.
  if (text.length > LIMITS.fileBytes) throw tooLarge(file, `${text.length} characters`);
  return validateTopology(parseYamlDocument(text, file), file, env);
}

function unreadable(file: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === "ENOENT"
      ? "file not found"
      : code === "EISDIR"
        ? "is a folder, not a file"
        : (err as Error).message;
  return new ConfigError(
    `${file}: ${why}; pass the path of a topology YAML file (see topologies/demo.yaml)`,
    {
      cause: err,
    },
  );
}

/**
 * A topology file's text, at most LIMITS.fileBytes of it: the size is checked before reading, and the read
 * stops past the limit too (a device or a file growing meanwhile reports no size that holds).
 */
export async function readTopologyText(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error("is a folder"), { code: "EISDIR" });
    if (info.size > LIMITS.fileBytes) throw tooLarge(file, `${info.size} bytes`);
    const handle = await open(file, "r");
    try {
      const buffer = Buffer.alloc(LIMITS.fileBytes + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > LIMITS.fileBytes) throw tooLarge(file, `more than ${LIMITS.fileBytes} bytes`);
      }
      return buffer.subarray(0, length).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw err instanceof ConfigError ? err : unreadable(file, err);
  }
}

export async function loadTopology(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Topology> {
  return parseTopology(await readTopologyText(file), file, env);
}
