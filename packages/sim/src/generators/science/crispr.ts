import type { Rng } from "../../random.ts";
import type { ChoiceDraft } from "../choice.ts";
import { reverseComplement, sequenceWithoutPam } from "./dna.ts";
import type { ScienceFamily } from "./family.ts";

/**
 * CRISPR design: facts about guides, PAMs and Cas enzymes (one hop) and target-site questions computed on a
 * planted NGG PAM (two to five hops). What an edit does to the gene is editing-outcomes.ts.
 */

const FACTS: readonly ChoiceDraft[] = [
  {
    question:
      "Which protospacer-adjacent motif (PAM) does Streptococcus pyogenes Cas9 require immediately 3' of its target on the non-target strand?",
    correct: "5'-NGG-3'",
    distractors: ["5'-TTTV-3'", "5'-NNGRRT-3'", "5'-NNNNGATT-3'"],
    steps: ["SpCas9 recognises an NGG PAM directly 3' of the 20-nt protospacer"],
  },
  {
    question: "Where does Acidaminococcus Cas12a (Cpf1) look for its PAM, and which PAM is it?",
    correct: "5'-TTTV-3', on the 5' side of the protospacer",
    distractors: [
      "5'-NGG-3', on the 3' side of the protospacer",
      "5'-TTTV-3', on the 3' side of the protospacer",
      "5'-NGG-3', on the 5' side of the protospacer",
    ],
    steps: ["Cas12a uses a T-rich TTTV PAM located 5' of the protospacer, unlike Cas9"],
  },
  {
    question: "How long is the spacer (guide) sequence of a standard SpCas9 single-guide RNA?",
    correct: "20 nucleotides",
    distractors: ["12 nucleotides", "24 nucleotides", "42 nucleotides", "8 nucleotides"],
    steps: ["The standard SpCas9 sgRNA carries a 20-nt spacer that base-pairs with the target"],
  },
  {
    question: "Where, relative to the PAM, does wild-type SpCas9 cut its target DNA?",
    correct: "3 bp upstream of the PAM, leaving blunt ends",
    distractors: [
      "3 bp downstream of the PAM, leaving blunt ends",
      "18 bp from the PAM, leaving 5' overhangs",
      "Within the PAM itself, leaving 3' overhangs",
    ],
    steps: [
      "The HNH and RuvC domains cut both strands 3 bp 5' of the PAM, giving a blunt double-strand break",
    ],
  },
  {
    question:
      "Which SpCas9 variant binds its target without cutting either strand, as used for CRISPR interference?",
    correct: "dCas9 (D10A and H840A)",
    distractors: ["Cas9 D10A nickase", "Cas9 H840A nickase", "High-fidelity SpCas9-HF1", "Wild-type SpCas9"],
    steps: ["Inactivating both RuvC (D10A) and HNH (H840A) gives catalytically dead dCas9, which only binds"],
  },
];

const PURPOSES = [
  "knock out an exon",
  "disrupt a promoter element",
  "tag a gene",
  "edit a regulatory region",
  "screen a candidate enhancer",
];

function targetSite(rng: Rng, hops: number): ChoiceDraft {
  const before = sequenceWithoutPam(rng, rng.int(24, 30));
  const after = sequenceWithoutPam(rng, rng.int(8, 14));
  const n = rng.pick(["A", "T"]);
  const sequence = `${before}${n}GG${after.startsWith("G") ? `A${after.slice(1)}` : after}`;
  const pam = before.length; // 0-based index of the PAM's N
  const protospacer = sequence.slice(pam - 20, pam);
  // From four hops the region is given as its bottom strand, so the top strand must be worked out first.
  const fromBottom = hops >= 4;
  const strand = fromBottom
    ? `The bottom strand of the region reads 5'-${reverseComplement(sequence)}-3', and the top strand holds exactly one NGG.`
    : `The top strand of the region reads 5'-${sequence}-3', and it holds exactly one NGG.`;
  const intro = `A lab wants to ${rng.pick(PURPOSES)} with SpCas9 (PAM 5'-NGG-3'). ${strand}`;
  const findPam = `The only NGG on the top strand is ${n}GG at positions ${pam + 1}-${pam + 3}`;
  if (hops === 2) {
    return {
      question: `${intro} Which 20-nt protospacer on the top strand is targeted?`,
      correct: protospacer,
      distractors: [
        sequence.slice(pam - 17, pam + 3),
        sequence.slice(pam + 3, pam + 23),
        reverseComplement(protospacer),
        sequence.slice(pam - 21, pam - 1),
      ],
      steps: [findPam, `The protospacer is the 20 nt immediately 5' of the PAM: ${protospacer}`],
    };
  }
  const cut = pam - 3; // the cut falls between nucleotides cut and cut + 1
  const between = (a: number) => `Between nucleotides ${a} and ${a + 1}`;
  const toCut = [
    ...(fromBottom ? [`The top strand is the reverse complement: 5'-${sequence}-3'`] : []),
    findPam,
    `The protospacer spans positions ${pam - 19}-${pam}`,
    `SpCas9 cuts 3 bp upstream of the PAM: ${between(cut).toLowerCase()}`,
  ];
  if (hops < 5) {
    return {
      question: `${intro} Counting from the 5' end of the top strand, where does SpCas9 cut?`,
      correct: between(cut),
      distractors: [between(pam), between(cut + 1), between(pam + 3), between(pam - 17)],
      steps: toCut,
    };
  }
  const edit = cut - rng.int(2, 12);
  const gap = (count: number) => `${count} nucleotides`;
  return {
    question: `${intro} An HDR template will change nucleotide ${edit} of the top strand (counting from its 5' end). How many nucleotides lie between that nucleotide and the cut site?`,
    correct: gap(cut - edit),
    distractors: [gap(cut - edit + 1), gap(pam - edit), gap(pam + 3 - edit), gap(cut - edit - 1)],
    steps: [...toCut, `Nucleotides ${edit + 1}-${cut} lie between them: ${cut} - ${edit} = ${cut - edit}`],
  };
}

export const crispr: ScienceFamily = {
  name: "crispr",
  skills: ["crispr_design"],
  minHops: 1,
  maxHops: 5,
  draft: (rng, hops) => (hops === 1 ? rng.pick(FACTS) : targetSite(rng, hops)),
};
