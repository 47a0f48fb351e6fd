import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { runIdArgument } from "../../cli/arguments.ts";

describe("run ids", () => {
  it.each(["run-20261207-a1b2", "a", "A_b-9", "x".repeat(64)])("accepts %j", (id) => {
    expect(runIdArgument(id)).toBe(id);
  });

  it.each(["../../x", "a b", "x".repeat(65), ".hidden", "-flag", "a/b", "a.b", "", "ü"])(
    "refuses %j",
    (id) => {
      expect(() => runIdArgument(id)).toThrow(InvalidArgumentError);
    },
  );
});
