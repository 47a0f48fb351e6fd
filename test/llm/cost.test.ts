import { describe, expect, it } from "vitest";
import { costOf } from "../../llm/cost.ts";
import { addUsage, billedTokens, noUsage } from "../../llm/usage.ts";

describe("usage and cost", () => {
  it("sums calls and tokens, counting a server that reports no usage as zero tokens", () => {
    const total = [
      billedTokens({ prompt_tokens: 100, completion_tokens: 20 }),
      billedTokens(undefined),
      billedTokens({ prompt_tokens: 5, completion_tokens: 1 }),
    ]
      .map((billed) => ({ ...noUsage("m1", "judge"), ...billed, calls: 1 }))
      .reduce(addUsage, noUsage("m1", "judge"));
    expect(total).toEqual({ model: "m1", role: "judge", promptTokens: 105, completionTokens: 21, calls: 3 });
  });

  it("prices input and output tokens per million, and a model without a price at zero", () => {
    const usage = { promptTokens: 2_000_000, completionTokens: 500_000 };
    expect(costOf(usage, { inputPerMTok: 0.5, outputPerMTok: 2 })).toBeCloseTo(2);
    expect(costOf(usage, undefined)).toBe(0);
  });
});
