import { describe, expect, it } from "vitest";
import { MEDICAL_SKILLS } from "../../packages/sim/src/generators/medical/skills.ts";
import { writeMedicalQuestion } from "../../packages/sim/src/generators/medical/write.ts";
import {
  complement,
  reverseComplement,
  toRna,
  translate,
} from "../../packages/sim/src/generators/science/dna.ts";
import { SCIENCE_SKILLS } from "../../packages/sim/src/generators/science/skills.ts";
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

describe.each([
  ["science", writeScienceQuestion, SCIENCE_SKILLS],
  ["medical", writeMedicalQuestion, MEDICAL_SKILLS],
] as const)("%s questions written for a skill", (domain, writer, skills) => {
  it("have distinct options with the answer among them, and a worked step per hop asked for", () => {
    for (const skill of skills) {
      for (const seed of seeds.slice(0, 40)) {
        const complexity = (seed % 5) + 1;
        const item = choice(writer, seed, { domain, skill, complexity });
        const texts = Object.values(item.options);
        expect(new Set(texts).size, item.question).toBe(texts.length);
        expect(item.options[item.answer], item.question).toBeDefined();
        expect(item.hops, item.question).toBe(complexity);
        expect(item.solutionSteps, item.question).toHaveLength(complexity);
      }
    }
  });
});

const WRITERS = { science: writeScienceQuestion, medical: writeMedicalQuestion };

/** A question written for `skill` at `complexity`, with its correct option's text. */
function solved(domain: keyof typeof WRITERS, skill: string, complexity: number, seed: number) {
  const item = choice(WRITERS[domain], seed, { domain, skill, complexity });
  return { question: item.question, answer: item.options[item.answer] ?? "" };
}

/** The numbers a pattern captures in a question; fails the test when the question does not match. */
function captured(pattern: RegExp, question: string): number[] {
  const match = pattern.exec(question);
  if (!match) throw new Error(`"${question}" does not match ${pattern}`);
  return match.slice(1).map(Number);
}

describe("computed answers of the skill families", () => {
  it("keeps or shifts the reading frame by the size of an NHEJ deletion", () => {
    for (const seed of seeds.slice(0, 40)) {
      const { question, answer } = solved("science", "gene_editing_outcomes", 1, seed);
      const [lost = 0] = captured(/has lost (\d+) bp/, question);
      expect(answer, question).toBe(
        lost % 3 === 0
          ? `An in-frame loss of ${lost / 3} amino acid${lost === 3 ? "" : "s"}`
          : "A frameshift from the repair site onwards",
      );
    }
  });

  it("reads a substitution's effect off the codons of the coding strand", () => {
    let checked = 0;
    for (const seed of seeds.slice(0, 40)) {
      const { question, answer } = solved("science", "mutation_effects", 2, seed);
      const found = /reads 5'-([ACGT]+)-3'\. .* base (\d+) .* from ([ACGT]) to ([ACGT])\./.exec(question);
      // Indels are mutation effects too: only point substitutions are recomputed here.
      if (!found) continue;
      checked++;
      const [, coding = "", at = "", , to = ""] = found;
      const index = Number(at) - 1;
      const start = index - (index % 3);
      const before = translate(coding.slice(start, start + 3));
      const after = translate(`${coding.slice(start, index)}${to}${coding.slice(index + 1, start + 3)}`);
      const effect =
        after === ""
          ? `Nonsense: ${before} becomes a stop codon`
          : after === before
            ? `Silent: ${before} is unchanged`
            : `Missense: ${before} becomes ${after}`;
      expect(answer, question).toBe(effect);
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("cuts a circular plasmid into fragments that add up to its length", () => {
    for (const complexity of [2, 3, 4, 5]) {
      for (const seed of seeds.slice(0, 20)) {
        const { question, answer } = solved("science", "molecular_cloning", complexity, seed);
        const [length] = captured(/a (\d+)-bp circular plasmid/, question);
        const sizes = (answer.match(/\d+(?= bp)/g) ?? []).map(Number);
        expect(sizes, question).toHaveLength(complexity);
        expect(
          sizes.reduce((a, b) => a + b, 0),
          question,
        ).toBe(length);
      }
    }
  });

  it("counts one Barr body fewer than the X chromosomes of a karyotype", () => {
    for (const seed of seeds.slice(0, 40)) {
      const { question, answer } = solved("science", "epigenetics", 1, seed);
      const xs = /karyotype is \d+,(X+)/.exec(question)?.[1]?.length ?? 0;
      expect(answer, question).toBe(String(xs - 1));
    }
  });

  it("works a screening test's positive predictive value out of its 2x2 table", () => {
    for (const seed of seeds.slice(0, 40)) {
      const { question, answer } = solved("medical", "biostatistics", 5, seed);
      const [sensitivity = 0, specificity = 0, people = 0, prevalence = 0] = captured(
        /sensitivity of (\d+)% and a specificity of (\d+)% is offered to (\d+) people, of whom (\d+)%/,
        question,
      );
      const sick = (people * prevalence) / 100;
      const truePositives = Math.round((sick * sensitivity) / 100);
      const falsePositives = Math.round(((people - sick) * (100 - specificity)) / 100);
      const ppv = (100 * truePositives) / (truePositives + falsePositives);
      expect(Number.parseFloat(answer), question).toBeCloseTo(ppv, 0);
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
