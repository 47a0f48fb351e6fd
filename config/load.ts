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
  return path.length === 0 ? "(root)" : path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
}

export function zodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Parses topology text (YAML or JSON) into a validated Topology, or throws a TopologyError listing every issue. */
export function parseTopology(text: string, file = "topology", env: NodeJS.ProcessEnv = process.env): Topology {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : "";
    throw new TopologyError(file, [{ path: "(file)", message: `not valid YAML${where}: ${(err as Error).message.split("\n")[0]}` }]);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new TopologyError(file, [{ path: "(root)", message: "expected a mapping with models, agents, run, ..." }]);
  }
  const interpolated = interpolateEnv(raw, env);
  const result = Topology.safeParse(interpolated);
  if (!result.success) throw new TopologyError(file, zodIssues(result.error));
  return result.data;
}

export async function loadTopology(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a folder, not a file" : (err as Error).message;
    throw new ConfigError(`${file}: ${why}; pass the path of a topology YAML file (see topologies/demo.yaml)`);
  }
  return parseTopology(text, file, env);
}
