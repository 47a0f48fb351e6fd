import { describe, expect, test } from "vitest";
import { DecontaminationTally } from "../../curation/decontamination-report.ts";
import type { RunEvent } from "../../protocol/messages.ts";
import type { ContaminationCheck } from "../../protocol/schemas.ts";

const spec = (roundId: string) => ({
  runId: "r",
  roundId,
  seq: 1,
  domain: "math",
  skill: "s",
  complexity: 3,
  attacker: "a",
  defender: "d",
  judge: "j",
  openedAt: "t",
});
const question = (text: string) => ({ text, referenceAnswer: "1", solutionSteps: ["x"], skill: "s" });
const clean: ContaminationCheck = { contaminated: false, similarity: 0.2, ngramOverlap: 0 };
const dirty: ContaminationCheck = {
  contaminated: true,
  similarity: 0.97,
  ngramOverlap: 0.8,
  nearest: { file: "gsm8k.jsonl", line: 4, text: "Janet's ducks" },
};
const envelope = { runId: "r", at: "t" };

function indexed(producer: string): RunEvent {
  return {
    type: "decontamination.indexed.v1",
    ...envelope,
    producer,
    benchmarks: [{ file: "gsm8k.jsonl", items: 30, malformedLines: 0 }],
    similarityThreshold: 0.9,
    ngramSize: 8,
    ngramOverlap: 0.5,
  };
}

function screened(roundId: string, text: string, check: ContaminationCheck): RunEvent {
  return {
    type: "question.screened.v1",
    ...envelope,
    producer: "curator-east",
    spec: spec(roundId),
    question: question(text),
    novelty: { maxSimilarity: 0.1, source: "none", contamination: check },
  } as RunEvent;
}

function closedAsContaminated(roundId: string, text: string, producer: string): RunEvent {
  return {
    type: "round.closed.v1",
    ...envelope,
    producer,
    spec: spec(roundId),
    status: "rejected",
    reasonCode: "contaminated",
    reason: "contaminated",
    stage: "curator",
    question: question(text),
    novelty: { maxSimilarity: 0.97, source: "benchmark", contamination: dirty },
  } as RunEvent;
}

describe("the decontamination report, from the bus", () => {
  test("is absent when no curator announced an index", () => {
    const tally = new DecontaminationTally();
    tally.add(screened("r1", "q1", clean));
    expect(tally.report()).toBeUndefined();
  });

  test("counts every curator's checks once per round, and lists the rejections", () => {
    const tally = new DecontaminationTally();
    for (const event of [
      indexed("curator-east"),
      indexed("curator-west"),
      screened("r1", "a clean question", clean),
      screened("r2", "another clean question", clean),
      closedAsContaminated("r3", "Janet's ducks lay 16 eggs", "curator-west"),
      // A redelivered close of the same round, from the other host.
      closedAsContaminated("r3", "Janet's ducks lay 16 eggs", "curator-east"),
    ])
      tally.add(event);
    expect(tally.report()).toEqual({
      benchmarks: [{ file: "gsm8k.jsonl", items: 30, malformedLines: 0 }],
      similarityThreshold: 0.9,
      ngramSize: 8,
      ngramOverlap: 0.5,
      checked: 3,
      rejected: 1,
      rejections: [
        { text: "Janet's ducks lay 16 eggs", similarity: 0.97, ngramOverlap: 0.8, nearest: dirty.nearest },
      ],
    });
  });
});
