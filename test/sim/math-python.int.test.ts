import { loadPyodide } from "pyodide";
import { describe, expect, it } from "vitest";
import { parseNumber, sameNumber } from "../../packages/sim/src/arithmetic.ts";
import { writeMathQuestion } from "../../packages/sim/src/generators/math/write.ts";
import { Rng } from "../../packages/sim/src/random.ts";

describe("the Python the simulated Judge runs", () => {
  it("prints each math question's reference answer when run by a real Python (Pyodide)", async () => {
    const python = await loadPyodide();
    let printed = "";
    python.setStdout({ batched: (line) => (printed = line) });
    for (let seed = 0; seed < 60; seed++) {
      const { item } = writeMathQuestion(
        Rng.of("python", seed),
        { domain: "math", skill: "money_and_budgets", complexity: (seed % 5) + 1, modelSkill: 0.7 },
        false,
      );
      if (item.kind !== "numeric") throw new Error("expected a numeric item");
      python.runPython(item.python ?? "");
      expect(
        sameNumber(parseNumber(printed) ?? Number.NaN, Number(item.referenceAnswer)),
        `${item.python}\n-> ${printed}`,
      ).toBe(true);
    }
  });
});
