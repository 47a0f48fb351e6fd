import { z } from "zod";
import type { AgentConfig } from "../config/topology.ts";
import { ConfigError } from "../protocol/errors.ts";
import { stageToken } from "../protocol/subjects.ts";
import type { AgentDefinition, AgentSettings } from "./definition.ts";

/** Longest stage name a route may give. */
const STAGE_NAME_LENGTH = 128;

function stageNameProblem(name: string): string | undefined {
  try {
    stageToken(name);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * `options.routes` of a topology entry: a stage the agent reads or writes -> the stage to use instead. Only
 * stages the agent declares can be routed, so a misspelt stage is an error rather than a route that never
 * applies. This is the one place routes are checked; the host takes them from the parsed settings.
 */
export function routesSchema(type: string, stages: readonly string[]) {
  const known = [...new Set(stages)];
  return z
    .record(z.string().max(STAGE_NAME_LENGTH), z.string().max(STAGE_NAME_LENGTH))
    .superRefine((routes, ctx) => {
      for (const [from, to] of Object.entries(routes)) {
        if (!known.includes(from))
          ctx.addIssue({
            code: "custom",
            path: [from],
            message: `"${from}" is not a stage ${type} reads or writes`,
            params: { hint: `route one of ${known.join(", ")}` },
          });
        const problem = stageNameProblem(to);
        if (problem)
          ctx.addIssue({
            code: "custom",
            path: [from],
            message: problem,
            params: {
              hint: "write a stage name like verdict.reviewed: letters, digits, '-' and '_', dot-separated",
            },
          });
      }
    })
    .describe("a stage this agent reads or writes -> the stage to read or write it under instead");
}

/**
 * Checks a topology entry's `options` against its agent's definition: the agent's own options and its routes.
 * A mistake is a ConfigError naming the field and what to do.
 */
export function agentSettings<TOptions>(
  definition: AgentDefinition<TOptions>,
  agent: Pick<AgentConfig, "type" | "options">,
): AgentSettings<TOptions> {
  const parsed = definition.options.safeParse(agent.options);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((issue) => {
      const hint = (issue as { params?: { hint?: unknown } }).params?.hint;
      return `${issue.path.join(".") || "(root)"}: ${issue.message}${typeof hint === "string" ? ` (${hint})` : ""}`;
    })
    .join("; ");
  throw new ConfigError(`agents[type=${agent.type}].options: ${issues}`);
}
