import { describe, expect, it } from "vitest";
import { RoundClosed } from "../../protocol/messages.ts";
import { outcomeOfRound } from "../../tournament/round-outcome.ts";

const spec = {
  runId: "run-1",
  roundId: "round-7",
  seq: 7,
  domain: "math",
  skill: "algebra",
  complexity: 4,
  attacker: "ant",
  defender: "bee",
  judge: "owl",
  openedAt: "2025-01-01T00:00:00Z",
};

const verdict = {
  valid: true,
  validityReason: "well posed",
  verifiedAnswer: "-3",
  gradingReason: "sound steps",
  derivation: { wellPosed: true, problem: "", answer: "-3", reasoning: "solved for x" },
  defenderCorrect: false,
  correctnessReason: "wrong sign",
  rubric: {},
  score: 4,
  level: "L4",
  outcome: "attack_succeeded",
  reason: "the defender slipped",
};

function closed(extra: Record<string, unknown>): RoundClosed {
  const base = {
    type: "round.closed.v1",
    runId: "run-1",
    at: "2025-01-01T00:01:00Z",
    producer: "curator/0",
    spec,
  };
  return RoundClosed.parse({ ...base, status: "rejected", reason: "test", stage: "curator", ...extra });
}

describe("outcome of a closed round", () => {
  it("takes roles and complexity from the spec and the result from the verdict", () => {
    expect(outcomeOfRound(closed({ verdict }))).toEqual({
      attacker: "ant",
      defender: "bee",
      complexity: 4,
      outcome: "attack_succeeded",
    });
  });

  it("has none for a round closed before the Judge ruled", () => {
    expect(outcomeOfRound(closed({ reasonCode: "duplicate" }))).toBeUndefined();
  });
});
