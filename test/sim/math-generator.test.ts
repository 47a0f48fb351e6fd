import { describe, expect, it } from "vitest";
import { evaluateArithmetic, parseNumber, sameNumber } from "../../packages/sim/src/arithmetic.ts";
import { cosine, embedText } from "../../packages/sim/src/embedding.ts";
import { answerOf } from "../../packages/sim/src/generators/math/chain.ts";
import { MATH_SKILLS } from "../../packages/sim/src/generators/math/skills.ts";
import { writeMathQuestion } from "../../packages/sim/src/generators/math/write.ts";
import { Rng } from "../../packages/sim/src/random.ts";

function write(seed: number, complexity: number, invalid = false, skill = "multi_step_arithmetic") {
  const generated = writeMathQuestion(
    Rng.of("math-test", seed),
    { domain: "math", skill, complexity, modelSkill: 0.7 },
    invalid,
  );
  const { item } = generated;
  if (item.kind !== "numeric" || !item.chain)
    throw new Error("the math writer must return a numeric item with its chain");
  return { item: { ...item, chain: item.chain }, published: generated.publishedSteps };
}

/** Evaluates the Python subset the generator writes: numbers, names, + - * / // % and parentheses, left to right. */
function pythonExpression(text: string, names: Map<string, number>): number {
  const tokens = text.match(/\d+(?:\.\d+)?|\w+|\/\/|[-+*/%()]/g) ?? [];
  let at = 0;
  const atom = (): number => {
    const token = tokens[at++] ?? "";
    if (token === "(") {
      const value = sum();
      at++;
      return value;
    }
    return /^\d/.test(token) ? Number(token) : (names.get(token) ?? Number.NaN);
  };
  const product = (): number => {
    let value = atom();
    while (["*", "//", "/", "%"].includes(tokens[at] ?? "")) {
      const op = tokens[at++];
      const right = atom();
      if (op === "*") value *= right;
      else if (op === "//") value = Math.floor(value / right);
      else if (op === "/") value /= right;
      else value %= right;
    }
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (tokens[at] === "+" || tokens[at] === "-")
      value = tokens[at++] === "+" ? value + product() : value - product();
    return value;
  };
  return sum();
}

/** Runs the generated program: `name = expr  # comment` lines and a final print(name). */
function runPython(code: string): number {
  const names = new Map<string, number>();
  let printed = Number.NaN;
  for (const line of code.split("\n")) {
    const statement = line.replace(/#.*$/, "").trim();
    const assign = /^(\w+) = (.+)$/.exec(statement);
    if (assign) names.set(assign[1] ?? "", pythonExpression(assign[2] ?? "", names));
    const print = /^print\((\w+)\)$/.exec(statement);
    if (print) printed = names.get(print[1] ?? "") ?? Number.NaN;
  }
  return printed;
}

describe("math question writer", () => {
  const cases = Array.from({ length: 150 }, (_, i) => ({ seed: i, complexity: (i % 5) + 1 }));

  it("gives exactly `complexity` hops, in the solution, the program and the item", () => {
    for (const { seed, complexity } of cases) {
      const { item } = write(seed, complexity);
      expect(item.hops).toBe(complexity);
      expect(item.solutionSteps).toHaveLength(complexity);
      expect(item.chain.steps).toHaveLength(complexity);
      expect(item.python?.match(/^value\d+ = /gm)).toHaveLength(complexity + 1);
    }
  });

  it("computes the reference answer its own Python program prints", () => {
    for (const { seed, complexity } of cases) {
      const { item } = write(seed, complexity);
      expect(sameNumber(runPython(item.python ?? ""), item.answer), item.python).toBe(true);
      expect(parseNumber(item.referenceAnswer)).toBe(item.answer);
    }
  });

  it("writes worked steps whose arithmetic holds and ends on the answer", () => {
    for (const { seed, complexity } of cases) {
      const { item } = write(seed, complexity);
      for (const step of item.solutionSteps) {
        const [left = "", right = ""] = step.split(" = ");
        expect(
          sameNumber(evaluateArithmetic(left.slice(left.indexOf(":") + 1)) ?? Number.NaN, Number(right)),
          step,
        ).toBe(true);
      }
      expect(item.solutionSteps.at(-1)?.endsWith(` = ${item.referenceAnswer}`)).toBe(true);
    }
  });

  it("gives an invalid item a reference answer beyond the scoring tolerance, with steps that lead to it", () => {
    for (const { seed, complexity } of cases) {
      const { item, published } = write(seed, complexity, true);
      const claimed = parseNumber(item.referenceAnswer) ?? Number.NaN;
      expect(sameNumber(claimed, answerOf(item.chain))).toBe(false);
      expect(published.at(-1)?.endsWith(` = ${item.referenceAnswer}`)).toBe(true);
    }
  });

  it("varies the wording enough for a novelty filter at 0.88 cosine similarity", () => {
    const texts = cases.map(({ seed, complexity }) => write(seed + 1000, complexity).item.question);
    expect(new Set(texts).size).toBe(texts.length);
    const vectors = texts.map((text) => embedText(text));
    let near = 0;
    let pairs = 0;
    vectors.forEach((a, i) => {
      for (const b of vectors.slice(i + 1)) {
        pairs++;
        if (cosine(a, b) > 0.88) near++;
      }
    });
    expect(near / pairs).toBeLessThan(0.01);
    const openings = new Set(texts.map((text) => text.split(" ").slice(0, 3).join(" ")));
    expect(openings.size).toBeGreaterThan(texts.length / 3);
  });

  it("keeps hops, program and worked steps consistent for the hops of every skill", () => {
    for (const skill of MATH_SKILLS) {
      for (const { seed, complexity } of cases.slice(0, 40)) {
        const { item } = write(seed, complexity, false, skill);
        const context = `${skill}: ${item.question}\n${item.python}`;
        expect(item.hops, context).toBe(complexity);
        expect(item.chain.steps, context).toHaveLength(complexity);
        expect(sameNumber(runPython(item.python ?? ""), item.answer), context).toBe(true);
        for (const step of item.solutionSteps) {
          const [left = "", right = ""] = step.split(" = ");
          const computed = evaluateArithmetic(left.slice(left.indexOf(":") + 1)) ?? Number.NaN;
          expect(sameNumber(computed, Number(right)), step).toBe(true);
        }
      }
    }
  });

  it("leans towards the operations a requested skill names", () => {
    const share = (skill: string) =>
      cases.filter(({ seed }) =>
        write(seed, 4, false, skill).item.chain.steps.some((s) => s.kind.startsWith("pct")),
      ).length / cases.length;
    expect(share("percentages")).toBeGreaterThan(share("multi_step_arithmetic") + 0.2);
  });
});
