import type { Rng } from "../../random.ts";
import { atDepth, type ChoiceDraft } from "../choice.ts";
import { complement, randomDna, reverse } from "./dna.ts";
import type { ScienceFamily } from "./family.ts";

/** X inactivation (Barr bodies from a karyotype or a syndrome) and CpG methylation counted on a sequence. */

const SYNDROMES = [
  { karyotype: "47,XXY", syndrome: "Klinefelter syndrome", xs: 2 },
  { karyotype: "45,X", syndrome: "Turner syndrome", xs: 1 },
  { karyotype: "47,XXX", syndrome: "triple X syndrome", xs: 3 },
  { karyotype: "48,XXXX", syndrome: "tetrasomy X", xs: 4 },
];
const KARYOTYPES = [
  ...SYNDROMES,
  { karyotype: "49,XXXXY", xs: 4 },
  { karyotype: "48,XXXY", xs: 3 },
  { karyotype: "46,XX", xs: 2 },
];

const barrBodies = (xs: number) => `${xs - 1}`;
const BARR_ASK =
  "How many Barr bodies (inactivated X chromosomes) are expected in each of this person's somatic cells?";
/** Barr-body counts a student may reach for: the X count itself, none, or the counts of other karyotypes. */
const COUNT_OPTIONS = ["0", "1", "2", "3", "4"];

function fromKaryotype(rng: Rng): ChoiceDraft {
  const person = rng.pick(KARYOTYPES);
  return {
    question: `A person's karyotype is ${person.karyotype}. ${BARR_ASK}`,
    correct: barrBodies(person.xs),
    distractors: [`${person.xs}`, ...COUNT_OPTIONS],
    steps: [`All X chromosomes but one are inactivated: ${person.xs} - 1 = ${person.xs - 1} Barr bodies`],
  };
}

function fromSyndrome(rng: Rng): ChoiceDraft {
  const person = rng.pick(SYNDROMES);
  return {
    question: `A person has ${person.syndrome}. ${BARR_ASK}`,
    correct: barrBodies(person.xs),
    distractors: [`${person.xs}`, ...COUNT_OPTIONS],
    steps: [
      `${person.syndrome} is the karyotype ${person.karyotype}, with ${person.xs} X chromosome${person.xs === 1 ? "" : "s"}`,
      `All X chromosomes but one are inactivated: ${person.xs} - 1 = ${person.xs - 1} Barr bodies`,
    ],
  };
}

/** A stretch with 3 to 7 CpGs planted in random sequence. */
function cpgIsland(rng: Rng): string {
  return Array.from({ length: rng.int(3, 7) }, () => `${randomDna(rng, rng.int(1, 4))}CG`).join("");
}

function countCpg(top: string): number {
  return top.match(/CG/g)?.length ?? 0;
}

/**
 * 5-methylcytosines on a CpG island given as its bottom strand: 3'→5' (three hops), 5'→3' (four), and after a
 * round of replication without maintenance methylation (five).
 */
function methylatedCytosines(rng: Rng, hops: number): ChoiceDraft {
  const top = cpgIsland(rng);
  const cpgs = countCpg(top);
  const gpcs = top.match(/GC/g)?.length ?? 0;
  const bottom = complement(top);
  const strand =
    hops === 3
      ? `The bottom strand of a CpG island reads 3'-${bottom}-5'.`
      : `The bottom strand of a CpG island reads 5'-${reverse(bottom)}-3'.`;
  const methylation = "Maintenance DNA methyltransferase keeps every CpG methylated on both strands.";
  const steps = [
    ...(hops >= 4 ? [`Written 3'→5', the bottom strand is 3'-${bottom}-5'`] : []),
    `The top strand is its complement, 5'-${top}-3'`,
    `It holds ${cpgs} CpG dinucleotides`,
    `CpG pairs with CpG on the other strand, so ${cpgs} × 2 = ${2 * cpgs} methylated cytosines`,
  ];
  if (hops < 5) {
    return {
      question: `${strand} ${methylation} How many 5-methylcytosines does this stretch of double-stranded DNA carry?`,
      correct: `${2 * cpgs}`,
      distractors: [`${cpgs}`, `${2 * gpcs}`, `${2 * cpgs + 2}`, `${cpgs + 1}`],
      steps,
    };
  }
  return {
    question: `${strand} ${methylation} The cell then replicates this DNA once with maintenance methylation blocked. How many 5-methylcytosines does each daughter duplex carry?`,
    correct: `${cpgs}`,
    distractors: [`${2 * cpgs}`, "0", `${cpgs + 2}`, `${4 * cpgs}`],
    steps: [
      ...steps,
      `Each daughter keeps one methylated parental strand and gets an unmethylated new one: ${cpgs}`,
    ],
  };
}

export const epigenetics: ScienceFamily = {
  name: "epigenetics",
  skills: ["epigenetics"],
  minHops: 1,
  maxHops: 5,
  draft: (rng, hops) =>
    hops <= 2 ? atDepth([fromKaryotype, fromSyndrome], hops)(rng) : methylatedCytosines(rng, hops),
};
