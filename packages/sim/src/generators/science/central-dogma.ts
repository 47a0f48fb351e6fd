import { capitalize } from "../../text.ts";
import { atDepth } from "../choice.ts";
import { complement, openReadingFrame, reverse, reverseComplement, toRna, translate } from "./dna.ts";
import type { ScienceFamily } from "./family.ts";

/** From a gene's DNA to its mRNA and peptide; deeper questions start further from the answer. */

const GENES = [
  "a reporter gene",
  "a bacterial toxin gene",
  "a short regulatory peptide gene",
  "a synthetic construct",
  "a yeast gene fragment",
];

export const centralDogma: ScienceFamily = {
  name: "central-dogma",
  skills: ["gene_expression", "sequence_analysis"],
  minHops: 1,
  maxHops: 5,
  draft(rng, hops) {
    const coding = openReadingFrame(rng, rng.int(3, 6));
    const mrna = toRna(coding);
    const template = complement(coding);
    const peptide = translate(mrna);
    const residues = peptide.split("-").length;
    const gene = rng.pick(GENES);
    const shown = (s: string) => `5'-${s}-3'`;
    const reversedTemplate = `3'-${template}-5'`;
    const templateText =
      hops >= 4
        ? `the template strand of ${gene} reads 5'-${reverse(template)}-3'`
        : `the template strand of ${gene} reads ${reversedTemplate}`;
    const steps = [
      ...(hops >= 4 ? [`Written 3'→5', the template strand is ${reversedTemplate}`] : []),
      `The coding strand is complementary to the template: ${shown(coding)}`,
      `The mRNA matches the coding strand with U for T: ${shown(mrna)}`,
      `Reading codons from AUG to the stop codon gives ${peptide}`,
      `${residues} residues are joined by ${residues - 1} peptide bonds`,
    ];
    const peptideSlips = [
      translate(toRna(template)),
      translate(reverse(mrna)),
      translate(mrna.slice(1)),
      translate(toRna(reverseComplement(coding))),
    ];
    const levels = [
      {
        text: `The coding strand of ${gene} reads ${shown(coding)}. What is the sequence of its mRNA?`,
        correct: shown(mrna),
        wrong: [
          shown(toRna(template)),
          shown(reverse(mrna)),
          shown(coding),
          shown(toRna(reverseComplement(coding))),
        ],
        steps: [`The mRNA matches the coding strand with U for T: ${shown(mrna)}`],
      },
      {
        text: `${capitalize(templateText)}. What is the mRNA sequence, written 5'→3'?`,
        correct: shown(mrna),
        wrong: [shown(toRna(template)), shown(reverse(mrna)), shown(coding), shown(toRna(reverse(template)))],
        steps: steps.slice(0, 2),
      },
      {
        text: `${capitalize(templateText)}. Using the standard genetic code, which peptide does it encode?`,
        correct: peptide,
        wrong: peptideSlips,
        steps: steps.slice(0, 3),
      },
      {
        text: `${capitalize(templateText)}. Using the standard genetic code, which peptide does it encode?`,
        correct: peptide,
        wrong: peptideSlips,
        steps: steps.slice(0, 4),
      },
      {
        text: `${capitalize(templateText)}. How many peptide bonds does the encoded peptide contain?`,
        correct: String(residues - 1),
        wrong: [residues, residues + 1, residues - 2, 3 * residues].map(String),
        steps,
      },
    ];
    const level = atDepth(levels, hops);
    return {
      question: level.text,
      correct: level.correct,
      distractors: level.wrong.map((w) => w || "no peptide (no start codon in frame)"),
      steps: level.steps,
    };
  },
};
