import { readFile } from "node:fs/promises";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import { crossReferenceIssues } from "./cross-references.ts";
import { interpolateEnv } from "./interpolate.ts";
import { explainIssues, formatPath, type TopologyIssue } from "./issues.ts";
import { Topology } from "./topology.ts";

export interface ConfigIssue {
  path: string;
  message: string;
}

/** A topology file with problems: every one of them, each with its field path and a hint. */
export class TopologyError extends ConfigError {
  readonly issues: TopologyIssue[];
  constructor(file: string, issues: TopologyIssue[]) {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}\n      hint: ${i.hint}`);
    super(
      `${file}: invalid topology (${issues.length} problem${issues.length === 1 ? "" : "s"})\n${lines.join("\n")}`,
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
  if (result.success && interpolated.issues.length === 0) return result.data;
  // A field whose variable is missing still holds its placeholder: its schema errors would only repeat that.
  const unresolved = new Set(interpolated.issues.map((issue) => issue.path));
  const schemaIssues = result.success ? [] : explainIssues(result.error.issues, Topology, interpolated.value);
  const crossIssues = crossReferenceIssues(interpolated.value).map((issue) => ({
    ...issue,
    path: formatPath(issue.path),
  }));
  const issues = unique([
    ...interpolated.issues,
    ...schemaIssues.filter((issue) => !unresolved.has(issue.path)),
    ...crossIssues,
  ]);
  throw new TopologyError(file, issues);
}

/** Parses topology text (YAML or JSON) into a validated Topology. */
export function parseTopology(
  text: string,
  file = "topology",
  env: NodeJS.ProcessEnv = process.env,
): Topology {
  return validateTopology(parseYamlDocument(text, file), file, env);
}

export async function readTopologyText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "file not found"
        : code === "EISDIR"
          ? "is a folder, not a file"
          : (err as Error).message;
    throw new ConfigError(
      `${file}: ${why}; pass the path of a topology YAML file (see topologies/demo.yaml)`,
    );
  }
}

export async function loadTopology(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Topology> {
  return parseTopology(await readTopologyText(file), file, env);
}
