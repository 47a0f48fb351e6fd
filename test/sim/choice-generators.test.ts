import { describe, expect, it } from "vitest";
import { writeMedicalQuestion } from "../../packages/sim/src/generators/medical/write.ts";
import {
  complement,
  reverseComplement,
  toRna,
  translate,
} from "../../packages/sim/src/generators/science/dna.ts";
import { writeScienceQuestion } from "../../packages/sim/src/generators/science/write.ts";
import type { QuestionSpec, QuestionWriter } from "../../packages/sim/src/generators/spec.ts";
import type { ChoiceItem } from "../../packages/sim/src/items/item.ts";
import { Rng } from "../../packages/sim/src/random.ts";

function choice(
  writer: QuestionWriter,
  seed: number,
  spec: Partial<QuestionSpec> = {},
  invalid = false,
): ChoiceItem {
  const full = { domain: "science", skill: "", complexity: 3, modelSkill: 0.7, ...spec };
  const { item } = writer(Rng.of("choice-test", seed, full.skill), full, invalid);
  if (item.kind !== "choice") throw new Error("expected a multiple-choice item");
  return item;
}

const seeds = Array.from({ length: 120 }, (_, i) => i);

describe("DNA helpers", () => {
  it("pairs, reverses and translates with the standard code", () => {
    expect(complement("ATGC")).toBe("TACG");
    expect(reverseComplement("AACGTT")).toBe("AACGTT");
    expect(reverseComplement("ATGCCA")).toBe("TGGCAT");
    expect(toRna("ATGTTT")).toBe("AUGUUU");
    expect(translate("AUGGCUUGGAAAUAAGGG")).toBe("Met-Ala-Trp-Lys");
  });
});

describe.each([
  ["science", writeScienceQuestion, [4]],
  ["medical", writeMedicalQuestion, [4, 5]],
] as const)("%s question writer", (domain, writer, optionCounts) => {
  it("gives distinct lettered options with the answer among them", () => {
    for (const seed of seeds) {
      const item = choice(writer, seed, { domain, complexity: (seed % 5) + 1 });
      const letters = Object.keys(item.options);
      expect(optionCounts).toContain(letters.length);
      expect(letters).toEqual(["A", "B", "C", "D", "E"].slice(0, letters.length));
      expect(new Set(Object.values(item.options)).size).toBe(letters.length);
      expect(item.options[item.answer]).toBeDefined();
      expect(item.referenceAnswer).toBe(item.answer);
      expect(item.solutionSteps).toHaveLength(item.hops);
    }
  });

  it("asks as many hops as requested where its bank goes that deep", () => {
    const hops = seeds.map((seed) => choice(writer, seed, { domain, complexity: (seed % 5) + 1 }).hops);
    const requested = seeds.map((seed) => (seed % 5) + 1);
    const exact = hops.filter((h, i) => h === requested[i]).length;
    expect(exact / seeds.length).toBeGreaterThan(0.6);
    expect(hops.every((h, i) => h <= (requested[i] ?? 0))).toBe(true);
  });

  it("points an invalid item's reference at a wrong option", () => {
    for (const seed of seeds.slice(0, 30)) {
      const item = choice(writer, seed, { domain }, true);
      expect(item.referenceAnswer).not.toBe(item.answer);
      expect(item.options[item.referenceAnswer]).toBeDefined();
    }
  });
});

describe("computed science answers", () => {
  it("gets Hardy-Weinberg allele frequencies right", () => {
    for (const seed of seeds) {
      const item = choice(writeScienceQuestion, seed, { skill: "population_genetics", complexity: 1 });
      const affected = /1 in (\d+) people/.exec(item.question)?.[1];
      if (!affected) continue;
      expect(Number(item.options[item.answer])).toBeCloseTo(1 / Math.sqrt(Number(affected)), 2);
    }
  });

  it("gets the mRNA of a coding strand right", () => {
    let checked = 0;
    for (const seed of seeds) {
      const item = choice(writeScienceQuestion, seed, { skill: "gene_expression", complexity: 1 });
      const coding = /The coding strand of .* reads 5'-([ACGT]+)-3'/.exec(item.question)?.[1];
      if (!coding) continue;
      checked++;
      expect(item.options[item.answer]).toBe(`5'-${toRna(coding)}-3'`);
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("gets a monohybrid cross right", () => {
    let checked = 0;
    for (const seed of seeds) {
      const item = choice(writeScienceQuestion, seed, { skill: "mendelian_genetics", complexity: 1 });
      const traits =
        /^In [^,]+, (.+) \(\w\) is dominant to (.+) \(\w\)\. A cross is made between (\w+) and (\w+)\. What fraction of the offspring is expected to have (.+)\?$/.exec(
          item.question,
        );
      if (!traits) continue;
      checked++;
      const [, , recessive, , second, wanted] = traits;
      const testcross = second === second?.toLowerCase();
      const expected = testcross ? "1/2" : wanted === recessive ? "1/4" : "3/4";
      expect(item.options[item.answer], item.question).toBe(expected);
    }
    expect(checked).toBeGreaterThan(10);
  });
});
