import { APIError } from "openai";
import type { CompletionUsage } from "openai/resources/completions";
import { z } from "zod";
import type { CachedTokens, TokenUsage } from "../protocol/schemas.ts";
import type { Tokens } from "./spending.ts";

/** Token accounting: one record per HTTP call, summed per request. */

export function noUsage(model: string, role: string): TokenUsage {
  return { model, role, promptTokens: 0, completionTokens: 0, calls: 0 };
}

/** What a reply billed; servers that report no usage (some local ones) count as zero tokens. */
export function billedTokens(
  reported: Pick<CompletionUsage, "prompt_tokens" | "completion_tokens"> | null | undefined,
): Tokens {
  return { promptTokens: reported?.prompt_tokens ?? 0, completionTokens: reported?.completion_tokens ?? 0 };
}

const ReportedUsage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative().default(0),
});

/**
 * What a failed call billed, when its error body says (a proxy that bills, then fails with a 5xx); nothing
 * otherwise. The client keeps a failed reply's `usage` in its error (see openai-client.ts).
 */
export function billedByFailure(err: unknown): Tokens | undefined {
  if (!(err instanceof APIError)) return undefined;
  const reported = ReportedUsage.safeParse((err.error as { usage?: unknown } | undefined)?.usage);
  return reported.success ? billedTokens(reported.data) : undefined;
}

/** Sums two usages; answers from the response cache are summed apart, in `cached`, never as billed tokens. */
export function addUsage(total: TokenUsage, part: TokenUsage): TokenUsage {
  const cached = addCached(total.cached, part.cached);
  return {
    ...total,
    promptTokens: total.promptTokens + part.promptTokens,
    completionTokens: total.completionTokens + part.completionTokens,
    calls: total.calls + part.calls,
    ...(cached ? { cached } : {}),
  };
}

function addCached(a: CachedTokens | undefined, b: CachedTokens | undefined): CachedTokens | undefined {
  if (!a || !b) return a ?? b;
  return {
    calls: a.calls + b.calls,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
  };
}

/** One answer served from the response cache: nothing billed, and what the stored answer had cost. */
export function cachedUsage(model: string, role: string, saved: Tokens): TokenUsage {
  return { ...noUsage(model, role), cached: { calls: 1, ...saved } };
}
