import { describe, expect, it } from "vitest";
import type { TrainingEvent, TrainingJob } from "../../protocol/training.ts";
import { expectedSteps, totalStepsIn } from "../../trainer/progress-line.ts";
import { renderTrainingSummary, summarizeTraining } from "../../trainer/train-run.ts";

/** What `nanoflux train` prints at the end, and what its progress bar counts toward. */

const job: TrainingJob = {
  id: "ftjob-1",
  backend: "openai",
  status: "succeeded",
  baseModel: "Qwen/Qwen3-4B",
  fineTunedModel: "ft:Qwen3-4B:nanoflux:ftjob-1",
  updatedAt: "2026-12-07T10:00:00.000Z",
};

function step(n: number, loss: number): TrainingEvent {
  return {
    id: `ev-${n}`,
    at: "2026-12-07T10:00:00.000Z",
    level: "info",
    message: `Step ${n}/12: training loss=${loss}`,
    progress: { step: n, loss },
  };
}

describe("the training summary", () => {
  it("gives loss first, last and best with their steps, then steps, tokens, compute and wall time", () => {
    const events: TrainingEvent[] = [
      { id: "ev-0", at: job.updatedAt, level: "info", message: "Fine-tuning job started" },
      step(1, 2.3012),
      step(6, 0.8),
      step(11, 0.39871),
      step(12, 0.4121),
    ];
    const compute = {
      trainedTokens: 48_213,
      tokensEstimated: false,
      epochs: 3,
      parameters: 4e9,
      flops: 6 * 4e9 * 48_213,
      wallSeconds: 252,
    };
    expect(renderTrainingSummary(summarizeTraining(job, events, compute))).toBe(
      [
        "job ftjob-1 succeeded: fine-tuned model: ft:Qwen3-4B:nanoflux:ftjob-1",
        "  loss      first 2.301 (step 1), last 0.4121 (step 12), best 0.3987 (step 11)",
        "  steps     12",
        "  tokens    48,213 trained over 3 epoch(s)",
        "  compute   1.16e15 FLOPs (6 x 4.0e9 parameters x tokens)",
        "  wall time 4m12s",
      ].join("\n"),
    );
  });

  it("says what it does not know: a failed job without losses or compute", () => {
    const failed = { ...job, status: "failed" as const, fineTunedModel: undefined, error: "out of memory" };
    expect(renderTrainingSummary(summarizeTraining(failed, []))).toBe(
      "job ftjob-1 failed: out of memory\n  loss      not reported",
    );
  });

  it("keeps one loss per step, whatever order the events came in", () => {
    const summary = summarizeTraining(job, [step(3, 1), step(1, 2), step(3, 0.9), step(2, 1.5)]);
    expect(summary).toMatchObject({
      first: { step: 1, loss: 2 },
      last: { step: 3, loss: 0.9 },
      best: { step: 3, loss: 0.9 },
      steps: 3,
    });
  });
});

describe("the training progress bar's total", () => {
  it("is a step per batch every epoch, or what the job's messages state", () => {
    expect(expectedSteps(20, { epochs: 2, batchSize: 4 })).toBe(10);
    expect(expectedSteps(21, { epochs: 3, batchSize: 4 })).toBe(18);
    expect(totalStepsIn("Step 12/40: training loss=0.81")).toBe(40);
    expect(totalStepsIn("step 3 / 7")).toBe(7);
    expect(totalStepsIn("step 3, loss 0.9")).toBeUndefined();
  });
});
