import type { Rng } from "../../random.ts";
import { atDepth, type ChoiceDraft } from "../choice.ts";
import { complement, openReadingFrame, reverse, translate } from "./dna.ts";
import type { ScienceFamily } from "./family.ts";

/** A single-base substitution in a coding sequence: silent, missense or nonsense, worked out codon by codon. */

const GENES = ["a kinase gene", "a structural protein gene", "a reporter gene", "an ion channel gene"];
const BASES = ["A", "C", "G", "T"] as const;
/** Amino acids for a distractor when the usual slip gives none, or gives the right answer. */
const SPARE_RESIDUES = ["Ala", "Gly", "Ser", "Leu", "Val"];

/** "Gln", or "" for a stop codon. */
const residue = (codon: string) => translate(codon);

function effect(from: string, to: string): string {
  if (to === "") return `Nonsense: ${from} becomes a stop codon`;
  if (to === from) return `Silent: ${from} is unchanged`;
  return `Missense: ${from} becomes ${to}`;
}

interface Substitution {
  coding: string;
  /** 1-based, counted from the A of ATG. */
  position: number;
  codonNumber: number;
  /** Where in its codon the changed base sits, 0-2. */
  offset: number;
  codon: string;
  mutated: string;
  before: string;
  after: string;
}

const withBase = (codon: string, offset: number, base: string) =>
  `${codon.slice(0, offset)}${base}${codon.slice(offset + 1)}`;

function substitute(rng: Rng): Substitution {
  const coding = openReadingFrame(rng, rng.int(4, 7));
  const codonNumber = rng.int(2, coding.length / 3 - 1);
  const offset = rng.int(0, 2);
  const start = (codonNumber - 1) * 3;
  const codon = coding.slice(start, start + 3);
  const before = codon[offset] ?? "A";
  const after = rng.pick(BASES.filter((base) => base !== before));
  const mutated = withBase(codon, offset, after);
  return { coding, position: start + offset + 1, codonNumber, offset, codon, mutated, before, after };
}

function choices(sub: Substitution): Pick<ChoiceDraft, "correct" | "distractors"> {
  const from = residue(sub.codon);
  const to = residue(sub.mutated);
  // The usual slip: writing the new base's complement into the codon, as if reading the other strand.
  const slipped = residue(withBase(sub.codon, sub.offset, complement(sub.after)));
  const wrong = [slipped, ...SPARE_RESIDUES].find((r) => r !== "" && r !== from && r !== to) ?? "Trp";
  return {
    correct: effect(from, to),
    distractors: [
      "A frameshift from the mutated codon onwards",
      effect(from, from),
      effect(from, ""),
      effect(from, wrong),
    ],
  };
}

function codonStep(sub: Substitution): string {
  const to = residue(sub.mutated);
  return `${sub.codon} (${residue(sub.codon)}) becomes ${sub.mutated} (${to || "stop"}): ${effect(residue(sub.codon), to).toLowerCase()}`;
}

const ASK = "What is the effect on the encoded protein?";

export const pointMutations: ScienceFamily = {
  name: "point-mutations",
  skills: ["mutation_effects", "sequence_analysis"],
  minHops: 1,
  maxHops: 5,
  draft(rng, hops) {
    const sub = substitute(rng);
    const gene = rng.pick(GENES);
    const template = complement(sub.coding);
    const onCoding = `A single-base substitution changes base ${sub.position} of the coding strand (counting from the A of ATG) from ${sub.before} to ${sub.after}.`;
    // The same change seen on the template strand, counted from that strand's own 5' end.
    const templatePosition = sub.coding.length - sub.position + 1;
    const onTemplate = `A single-base substitution changes base ${templatePosition} of the template strand (counting from its 5' end) from ${complement(sub.before)} to ${complement(sub.after)}.`;
    const locate = `Base ${sub.position} lies in codon ${sub.codonNumber}, ${sub.codon}`;
    const readTemplate = `Written 3'→5', the template strand is 3'-${template}-5'`;
    const readCoding = `The coding strand is its complement, 5'-${sub.coding}-3'`;
    const templateText = `The template strand of ${gene} reads 5'-${reverse(template)}-3'.`;
    const levels = [
      {
        question: `In the coding strand of ${gene}, a single-base substitution changes the codon 5'-${sub.codon}-3' to 5'-${sub.mutated}-3'. ${ASK}`,
        steps: [codonStep(sub)],
      },
      {
        question: `The coding strand of ${gene} reads 5'-${sub.coding}-3'. ${onCoding} ${ASK}`,
        steps: [locate, codonStep(sub)],
      },
      {
        question: `The template strand of ${gene} reads 3'-${template}-5'. ${onCoding} ${ASK}`,
        steps: [readCoding, locate, codonStep(sub)],
      },
      {
        question: `${templateText} ${onCoding} ${ASK}`,
        steps: [readTemplate, readCoding, locate, codonStep(sub)],
      },
      {
        question: `${templateText} ${onTemplate} ${ASK}`,
        steps: [
          readTemplate,
          readCoding,
          `Template base ${templatePosition} pairs with coding base ${sub.position}, which changes from ${sub.before} to ${sub.after}`,
          locate,
          codonStep(sub),
        ],
      },
    ];
    return { ...atDepth(levels, hops), ...choices(sub) };
  },
};
