import { loadPyodide } from "pyodide";
import { describe, expect, it } from "vitest";
import { parseNumber, sameNumber } from "../../packages/sim/src/arithmetic.ts";
import { MATH_SKILLS } from "../../packages/sim/src/generators/math/skills.ts";
import { writeMathQuestion } from "../../packages/sim/src/generators/math/write.ts";
import { Rng } from "../../packages/sim/src/random.ts";

describe("the Python the simulated Judge runs", () => {
  it("prints each math question's reference answer, for every skill, when run by a real Python (Pyodide)", async () => {
    const python = await loadPyodide();
    let printed = "";
    python.setStdout({ batched: (line) => (printed = line) });
    // Every skill, since each brings its own hops (conversions, averages, areas, choices).
    const asks = MATH_SKILLS.flatMap((skill) => Array.from({ length: 10 }, (_, seed) => ({ skill, seed })));
    for (const { skill, seed } of asks) {
      const { item } = writeMathQuestion(
        Rng.of("python", skill, seed),
        { domain: "math", skill, complexity: (seed % 5) + 1, modelSkill: 0.7 },
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
