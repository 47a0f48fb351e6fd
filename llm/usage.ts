import type { CompletionUsage } from "openai/resources/completions";
import type { TokenUsage } from "../core/schemas.ts";

/** Token accounting: one record per HTTP call, summed per request. */

export function noUsage(model: string, role: string): TokenUsage {
  return { model, role, promptTokens: 0, completionTokens: 0, calls: 0 };
}

/** Usage of one call; servers that report none (some local ones) count as zero tokens. */
export function callUsage(
  reported: CompletionUsage | null | undefined,
  model: string,
  role: string,
): TokenUsage {
  return {
    model,
    role,
    promptTokens: reported?.prompt_tokens ?? 0,
    completionTokens: reported?.completion_tokens ?? 0,
    calls: 1,
  };
}

export function addUsage(total: TokenUsage, part: TokenUsage): TokenUsage {
  return {
    ...total,
    promptTokens: total.promptTokens + part.promptTokens,
    completionTokens: total.completionTokens + part.completionTokens,
    calls: total.calls + part.calls,
  };
}
