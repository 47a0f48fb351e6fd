import { describe, expect, it } from "vitest";
import { jsonReply, textReply, toolCallReply } from "../../packages/sim/src/chat/reply.ts";
import { drawFault, malform } from "../../packages/sim/src/faults.ts";
import { Rng } from "../../packages/sim/src/random.ts";
import { parseJsonText } from "../../packages/sim/src/text.ts";
import { JudgeGrading } from "../../protocol/role-outputs.ts";

const NO_FAULTS = { rate429: 0, rate500: 0, rateTimeout: 0, rateMalformed: 0 };

describe("drawFault", () => {
  it("injects each fault at its configured rate", () => {
    const rng = Rng.of("faults");
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) {
      const fault =
        drawFault(rng, { rate429: 0.1, rate500: 0.05, rateTimeout: 0.02, rateMalformed: 0.2 }) ?? "none";
      counts[fault] = (counts[fault] ?? 0) + 1;
    }
    expect((counts.rate_limit ?? 0) / 20_000).toBeCloseTo(0.1, 1);
    expect((counts.server_error ?? 0) / 20_000).toBeCloseTo(0.05, 1);
    expect((counts.timeout ?? 0) / 20_000).toBeCloseTo(0.02, 1);
    expect((counts.malformed ?? 0) / 20_000).toBeCloseTo(0.2, 1);
  });

  it("injects nothing when every rate is 0", () => {
    const rng = Rng.of("faults");
    expect(Array.from({ length: 1000 }, () => drawFault(rng, NO_FAULTS)).every((f) => f === undefined)).toBe(
      true,
    );
  });
});

describe("malform", () => {
  const verdict = {
    rubric: {
      step_validity: 5,
      completeness: 5,
      explicit_checking: 5,
      structure_clarity: 5,
      multi_hop_depth: 5,
    },
    reason: "fine",
  };

  it("always makes a JSON reply unusable as it stands, in each of the four ways", () => {
    const rng = Rng.of("malform");
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const reply = malform(jsonReply(verdict), rng);
      expect(JudgeGrading.safeParse(parseJsonText(reply.content ?? "")).success).toBe(false);
      if (reply.refusal) seen.add("refusal");
      else if (reply.finishReason === "length") seen.add("truncated");
      else if (reply.content?.startsWith("Sure")) seen.add("prose");
      else seen.add("schema");
    }
    expect([...seen].sort()).toEqual(["prose", "refusal", "schema", "truncated"]);
  });

  it("breaks tool calls and plain text too", () => {
    const rng = Rng.of("malform-other");
    for (let i = 0; i < 20; i++) {
      const call = malform(
        toolCallReply({ id: "call_1", name: "python", arguments: '{"code":"print(1)"}' }),
        rng,
      );
      expect(call.refusal !== null || call.finishReason === "length").toBe(true);
      const text = malform(textReply("The answer is 4."), rng);
      expect(text.refusal !== null || text.finishReason === "length").toBe(true);
    }
  });
});
