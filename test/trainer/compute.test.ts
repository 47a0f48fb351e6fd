import { describe, expect, test } from "vitest";
import type { TrainingJob } from "../../protocol/training.ts";
import { formatFlops } from "../../terminal/numbers.ts";
import { parametersInName, trainingCompute } from "../../trainer/compute.ts";

const job = (fields: Partial<TrainingJob>): TrainingJob => ({
  id: "ftjob-1",
  backend: "openai",
  status: "succeeded",
  baseModel: "Qwen/Qwen3-4B",
  updatedAt: "2026-12-07T10:00:00.000Z",
  ...fields,
});

describe("training compute", () => {
  test.each([
    ["Qwen/Qwen3-4B", 4e9],
    ["meta-llama/Llama-3.1-8B-Instruct", 8e9],
    ["HuggingFaceTB/SmolLM2-360M", 3.6e8],
    ["Qwen2.5-0.5B", 5e8],
    ["gpt-4.1-mini", undefined],
    ["sim-beta", undefined],
  ])("reads the size in %s", (name, parameters) => {
    expect(parametersInName(name)).toBe(parameters);
  });

  test("uses the tokens the backend counted, 6 x parameters x tokens, and the wall time", () => {
    const compute = trainingCompute(
      job({
        trainedTokens: 120_000,
        createdAt: "2026-12-07T10:00:00.000Z",
        finishedAt: "2026-12-07T10:02:30.000Z",
      }),
      { epochs: 3, datasetChars: 1 },
    );
    expect(compute).toEqual({
      trainedTokens: 120_000,
      tokensEstimated: false,
      epochs: 3,
      parameters: 4e9,
      flops: 6 * 4e9 * 120_000,
      wallSeconds: 150,
    });
    expect(formatFlops(compute.flops)).toBe("2.88e15");
  });

  test("estimates tokens from the file when the backend counted none, and says so", () => {
    const compute = trainingCompute(job({ baseModel: "sim-beta" }), {
      epochs: 2,
      datasetChars: 4000,
      parameters: 1e9,
    });
    expect(compute).toMatchObject({ trainedTokens: 2000, tokensEstimated: true, flops: 6 * 1e9 * 2000 });
    expect(
      trainingCompute(job({ baseModel: "sim-beta" }), { epochs: 1, datasetChars: 4 }).flops,
    ).toBeUndefined();
  });
});
