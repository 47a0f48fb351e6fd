import { describe, expect, it } from "vitest";
import { buildRunReport, usageRows } from "../../curation/run-report.ts";
import { ItemResult, usageOf } from "../../eval/results.ts";
import { addUsage, cachedUsage, noUsage } from "../../llm/usage.ts";
import { UsageRecorded } from "../../protocol/messages.ts";
import { TokenUsage } from "../../protocol/schemas.ts";
import { renderSummary } from "../../runner/summary.ts";

/** Answers from the response cache in the books: counted apart, never as billed tokens or calls. */

const envelope = {
  type: "usage.recorded.v1" as const,
  runId: "run",
  at: "2026-01-01T00:00:00.000Z",
  producer: "attacker-1",
};

describe("cached answers in the books", () => {
  it("sums cached answers apart from billed ones", () => {
    const billed = { ...noUsage("m", "judge"), promptTokens: 10, completionTokens: 5, calls: 1 };
    const total = addUsage(
      addUsage(billed, cachedUsage("m", "judge", { promptTokens: 7, completionTokens: 3 })),
      billed,
    );
    expect(total).toEqual({
      model: "m",
      role: "judge",
      promptTokens: 20,
      completionTokens: 10,
      calls: 2,
      cached: { calls: 1, promptTokens: 7, completionTokens: 3 },
    });
    expect(addUsage(billed, billed).cached).toBeUndefined();
    expect(
      TokenUsage.parse({ model: "m", role: "r", promptTokens: 1, completionTokens: 1 }).cached,
    ).toBeUndefined();
  });

  it("reads usage records and item results written before the cache existed", () => {
    const old = {
      ...envelope,
      model: "m",
      role: "attacker",
      promptTokens: 3,
      completionTokens: 4,
      costUsd: 0.1,
    };
    expect(UsageRecorded.parse(old)).toEqual(old);
    const line = {
      id: "1",
      correct: true,
      expected: "1",
      given: "1",
      reason: "",
      reply: "x",
      latencyMs: 1,
      promptTokens: 2,
      completionTokens: 3,
    };
    expect(ItemResult.parse(line).cached).toBeUndefined();
    expect(usageOf([ItemResult.parse(line)])).toEqual({
      promptTokens: 2,
      completionTokens: 3,
      cachedItems: 0,
      savedTokens: 0,
    });
  });

  it("counts a cached record as a cache hit with the tokens it saved, not as a call, in the report and summary", () => {
    const records: UsageRecorded[] = [
      {
        ...envelope,
        roundId: "r000001",
        model: "m",
        role: "attacker",
        promptTokens: 100,
        completionTokens: 50,
        costUsd: 0.2,
      },
      {
        ...envelope,
        roundId: "r000002",
        model: "m",
        role: "attacker",
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
        cached: { promptTokens: 90, completionTokens: 40, costUsd: 0.15 },
      },
    ];
    expect(usageRows(records)).toEqual([
      {
        model: "m",
        role: "attacker",
        calls: 1,
        promptTokens: 100,
        completionTokens: 50,
        costUsd: 0.2,
        cachedCalls: 1,
        savedTokens: 130,
      },
    ]);
    const report = buildRunReport(
      "run",
      { target: 1, noveltyThreshold: 0.9, levels: ["L3"] },
      [],
      undefined,
      records,
    );
    expect(report).toMatchObject({ totalTokens: 150, totalCostUsd: 0.2, cachedCalls: 1, savedTokens: 130 });
    expect(renderSummary(report, undefined)).toMatch(
      /response cache: 1 answers reused, 130 tokens not paid again/,
    );
    // A run without the cache reports as before.
    const plain = buildRunReport(
      "run",
      { target: 1, noveltyThreshold: 0.9, levels: ["L3"] },
      [],
      undefined,
      records.slice(0, 1),
    );
    expect(plain.cachedCalls).toBeUndefined();
    expect(renderSummary(plain, undefined)).not.toMatch(/response cache/);
  });
});
