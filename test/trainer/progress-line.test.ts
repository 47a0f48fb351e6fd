import { describe, expect, it } from "vitest";
import { parseProgressLine } from "../../trainer/progress-line.ts";

describe("parseProgressLine", () => {
  it("reads the recipe's JSON lines", () => {
    expect(parseProgressLine('{"step": 10, "loss": 1.23, "lr": 0.0002, "epoch": 0.5}')).toEqual({
      step: 10,
      loss: 1.23,
      learningRate: 0.0002,
      epoch: 0.5,
    });
  });

  it("reads Hugging Face trainer dicts", () => {
    expect(
      parseProgressLine("  {'loss': 0.91, 'grad_norm': 1.5, 'learning_rate': 2e-05, 'epoch': 1.0}"),
    ).toEqual({
      step: undefined,
      loss: 0.91,
      learningRate: 2e-5,
      epoch: 1,
    });
    expect(parseProgressLine("{'global_step': 7, 'train_loss': 0.5}")).toMatchObject({ step: 7, loss: 0.5 });
  });

  it("ignores log lines and JSON without progress", () => {
    expect(parseProgressLine("Loading checkpoint shards: 100%")).toBeUndefined();
    expect(parseProgressLine('{"event": "start", "total_steps": 30}')).toBeUndefined();
    expect(parseProgressLine('{"step": "ten"}')).toBeUndefined();
    expect(parseProgressLine("{broken")).toBeUndefined();
  });
});
