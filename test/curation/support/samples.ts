import type { Sample } from "../../../protocol/schemas.ts";
import { AT, question, verdict } from "../../support/fixtures.ts";

/** Accepted samples of varied shape: plain and multiple choice, with and without a verified answer. */
export function sample(i: number, overrides: Partial<Sample> = {}): Sample {
  return {
    id: `s${i}`,
    runId: "run-t",
    roundId: `r${i}`,
    domain: "math",
    skill: "percentages",
    complexity: 3,
    question,
    answer: { reasoning: "12*3=36, minus 10% is 32.4", finalAnswer: "32.4" },
    verdict,
    novelty: { maxSimilarity: 0.41, source: "store" },
    attacker: "alpha",
    defender: "beta",
    judge: "judge",
    acceptedAt: AT,
    ...overrides,
  };
}

export const choiceSample = sample(2, {
  domain: "medical",
  skill: "pharmacology",
  complexity: 4,
  question: {
    text: "A patient on warfarin starts a drug that induces CYP2C9. What happens to the INR?",
    options: { B: "It rises", A: "It falls", C: "It is unchanged" },
    referenceAnswer: "A",
    solutionSteps: [
      "Step 1: CYP2C9 metabolises S-warfarin.",
      "2) Induction speeds its clearance, so the INR falls.",
    ],
    skill: "pharmacology",
    hops: 2,
  },
  verdict: { ...verdict, verifiedAnswer: "A", level: "L5", outcome: "defended", score: 4.6 },
  novelty: { maxSimilarity: 0.87, source: "in_flight" },
});

export function mixedSamples(count: number): Sample[] {
  return Array.from({ length: count }, (_, i) =>
    i % 3 === 1 ? { ...choiceSample, id: `s${i}`, roundId: `r${i}` } : sample(i, { complexity: 1 + (i % 5) }),
  );
}

/** A question store row's fields, less the round and the vector the gate adds. */
export function questionMeta(id: string, text: string) {
  return { id, runId: "run-1", domain: "math", skill: "counting", complexity: 2, level: "L4", text };
}
