import type { Rng } from "../../random.ts";
import type { ChoiceDraft } from "../choice.ts";
import { reverseComplement, sequenceWithoutPam } from "./dna.ts";
import type { ScienceFamily } from "./family.ts";

/** CRISPR facts (one hop) and target-site questions computed on a planted NGG PAM (two or three hops). */

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
      "Which DNA repair pathway most often produces small insertions or deletions at a Cas9-induced double-strand break?",
    correct: "Non-homologous end joining",
    distractors: [
      "Homology-directed repair",
      "Mismatch repair",
      "Base excision repair",
      "Nucleotide excision repair",
    ],
    steps: ["Error-prone non-homologous end joining ligates the broken ends and often leaves indels"],
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
  const intro = `A lab wants to ${rng.pick(PURPOSES)} with SpCas9 (PAM 5'-NGG-3'). The top strand of the region reads 5'-${sequence}-3', and it holds exactly one NGG.`;
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
  const between = (a: number) => `Between nucleotides ${a} and ${a + 1}`;
  return {
    question: `${intro} Counting from the 5' end of the top strand, where does SpCas9 cut?`,
    correct: between(pam - 3),
    distractors: [between(pam), between(pam - 2), between(pam + 3), between(pam - 17)],
    steps: [
      findPam,
      `The protospacer spans positions ${pam - 19}-${pam}`,
      `SpCas9 cuts 3 bp upstream of the PAM: ${between(pam - 3).toLowerCase()}`,
    ],
  };
}

export const crispr: ScienceFamily = {
  name: "crispr",
  skills: ["crispr", "editing", "guide"],
  minHops: 1,
  maxHops: 3,
  draft: (rng, hops) => (hops === 1 ? rng.pick(FACTS) : targetSite(rng, hops)),
};
