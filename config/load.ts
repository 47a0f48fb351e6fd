import { readFile } from "node:fs/promises";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import { interpolateEnv } from "./interpolate.ts";
import { Topology } from "./topology.ts";

export interface ConfigIssue {
  path: string;
  message: string;
}

export class TopologyError extends ConfigError {
  readonly issues: ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    super(`${file}: invalid topology\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n")}`);
    this.issues = issues;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? "(root)"
    : path
        .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
        .join(".")
        .replace(/\.\[/g, "[");
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
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : "";
    throw new TopologyError(file, [
      { path: "(file)", message: `not valid YAML${where}: ${(err as Error).message.split("\n")[0]}` },
    ]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new TopologyError(file, [
      { path: "(root)", message: "expected a mapping with models, agents, run, ..." },
    ]);
  }
  return raw as Record<string, unknown>;
}

/** Validates a parsed document after `${ENV}` interpolation, or throws a TopologyError listing every issue. */
export function validateTopology(
  document: Record<string, unknown>,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Topology {
  const result = Topology.safeParse(interpolateEnv(document, env));
  if (!result.success) throw new TopologyError(file, zodIssues(result.error));
  return result.data;
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
