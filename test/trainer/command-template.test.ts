import { describe, expect, it } from "vitest";
import { Hyperparameters } from "../../protocol/training.ts";
import {
  assertValidTemplate,
  DEFAULT_COMMAND_TEMPLATE,
  RECIPE_PATH,
  renderCommand,
  splitCommandLine,
} from "../../trainer/command-template.ts";

const values = {
  jobId: "ft-1",
  baseModel: "Qwen/Qwen2.5-0.5B; rm -rf /",
  dataset: "/work/ft-1/dataset.jsonl",
  output: "/work/ft 1/output",
  job: "/work/ft-1/job.json",
  hyperparameters: Hyperparameters.parse({ epochs: 2, learningRate: 0.0001 }),
};

describe("command templates", () => {
  it("splits like a shell, without running one", () => {
    expect(splitCommandLine(`a "b c" 'd e' f\\ g "h\\"i"`)).toEqual(["a", "b c", "d e", "f g", 'h"i']);
    expect(splitCommandLine('x ""')).toEqual(["x", ""]);
    expect(() => splitCommandLine('x "open')).toThrow(/unclosed " quote/);
  });

  it("fills placeholders inside arguments, so values never become shell syntax", () => {
    const command = renderCommand(
      "trl sft --model {base_model} --out={output} --epochs {epochs} --lr {learning_rate}",
      values,
    );
    expect(command).toEqual({
      program: "trl",
      args: [
        "sft",
        "--model",
        "Qwen/Qwen2.5-0.5B; rm -rf /",
        "--out=/work/ft 1/output",
        "--epochs",
        "2",
        "--lr",
        "0.0001",
      ],
    });
  });

  it("runs the LoRA recipe by default", () => {
    const command = renderCommand(DEFAULT_COMMAND_TEMPLATE, values);
    expect(command.program).toBe("python3");
    expect(command.args).toEqual([
      RECIPE_PATH,
      "--dataset",
      values.dataset,
      "--output-dir",
      values.output,
      "--job",
      values.job,
    ]);
  });

  it("names an unknown placeholder and the known ones", () => {
    expect(() => assertValidTemplate("train {datset}")).toThrow(
      /unknown placeholder \{datset\}; use .*\{dataset\}/,
    );
    expect(() => assertValidTemplate("   ")).toThrow(/empty/);
    expect(() => assertValidTemplate(DEFAULT_COMMAND_TEMPLATE)).not.toThrow();
  });
});
