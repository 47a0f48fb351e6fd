import type { Rng } from "../../random.ts";
import { atDepth, type ChoiceDraft } from "../choice.ts";
import type { ScienceFamily } from "./family.ts";

/** What the indels NHEJ leaves at a Cas9 cut in a coding exon do to the reading frame. */

const GENES = [
  "a kinase gene",
  "a reporter gene",
  "a transcription factor gene",
  "a metabolic enzyme gene",
  "a receptor gene",
];
const FRAMESHIFT = "A frameshift from the repair site onwards";
const WRONG_OUTCOMES = [
  "No change: the repair restores the original sequence",
  "A single amino-acid substitution at the cut site",
  "Loss of the whole exon from the transcript",
];

const aminoAcids = (n: number) => `${n} amino acid${n === 1 ? "" : "s"}`;

/** An indel's effect on the protein; `net` is the bases gained (negative: lost). */
function outcome(net: number): string {
  if (net % 3 !== 0) return FRAMESHIFT;
  return `An in-frame ${net < 0 ? "loss" : "gain"} of ${aminoAcids(Math.abs(net) / 3)}`;
}

function why(net: number): string {
  const size = Math.abs(net);
  return size % 3 === 0
    ? `${size} bp is a multiple of 3, so the frame is kept: ${outcome(net).toLowerCase()}`
    : `${size} bp is not a multiple of 3, so the reading frame shifts`;
}

function oneDeletion(rng: Rng, intro: string): ChoiceDraft {
  const lost = rng.int(1, 24);
  return {
    question: `${intro} The repaired allele has lost ${lost} bp at the cut. What does this do to the encoded protein?`,
    correct: outcome(-lost),
    distractors: [
      FRAMESHIFT,
      `An in-frame loss of ${aminoAcids(lost)}`,
      `An in-frame loss of ${aminoAcids(Math.ceil(lost / 3) + 1)}`,
      ...WRONG_OUTCOMES,
    ],
    steps: [why(-lost)],
  };
}

/** One allele's repair: a plain deletion or insertion, or a deletion with an insertion at the same cut. */
interface Repair {
  text: string;
  net: number;
  steps: string[];
}

function plainRepair(rng: Rng): Repair {
  const size = rng.int(1, 15);
  const net = rng.chance(0.5) ? -size : size;
  return { text: net < 0 ? `a ${size}-bp deletion` : `a ${size}-bp insertion`, net, steps: [why(net)] };
}

function compoundRepair(rng: Rng): Repair {
  const lost = rng.int(2, 20);
  const drawn = rng.int(1, 20);
  const gained = drawn === lost ? drawn + 1 : drawn;
  const net = gained - lost;
  return {
    text: `a ${lost}-bp deletion together with a ${gained}-bp insertion`,
    net,
    steps: [`The net change is ${gained} - ${lost} = ${net} bp`, why(net)],
  };
}

function oneAllele(rng: Rng, intro: string): ChoiceDraft {
  const repair = compoundRepair(rng);
  return {
    question: `${intro} At the cut, the repaired allele carries ${repair.text}. What does this do to the encoded protein?`,
    correct: outcome(repair.net),
    distractors: [outcome(repair.net - 1), outcome(-repair.net), FRAMESHIFT, ...WRONG_OUTCOMES],
    steps: repair.steps,
  };
}

/** Both alleles of a clone, each taking one or two hops to judge, then one to count. */
function twoAlleles(rng: Rng, intro: string, compound: number): ChoiceDraft {
  const deeper = compound >= 1 ? compoundRepair(rng) : plainRepair(rng);
  const simpler = compound >= 2 ? compoundRepair(rng) : plainRepair(rng);
  const [first, second] = rng.chance(0.5) ? ([deeper, simpler] as const) : ([simpler, deeper] as const);
  const inFrame = [first, second].filter((repair) => repair.net % 3 === 0).length;
  const [neither, one, both] = ["Neither allele", "One allele", "Both alleles"] as const;
  return {
    question: `${intro} The edited clone carries ${first.text} on one allele and ${second.text} on the other. How many of its alleles keep the original reading frame?`,
    correct: inFrame === 0 ? neither : inFrame === 1 ? one : both,
    distractors: [neither, one, both, "It cannot be told without sequencing the transcripts"],
    steps: [
      ...first.steps.map((step) => `First allele: ${step}`),
      ...second.steps.map((step) => `Second allele: ${step}`),
      `So ${inFrame} of the 2 alleles keep the frame`,
    ],
  };
}

const BY_HOPS = [
  oneDeletion,
  oneAllele,
  (rng: Rng, intro: string) => twoAlleles(rng, intro, 0),
  (rng: Rng, intro: string) => twoAlleles(rng, intro, 1),
  (rng: Rng, intro: string) => twoAlleles(rng, intro, 2),
];

export const editingOutcomes: ScienceFamily = {
  name: "editing-outcomes",
  skills: ["gene_editing_outcomes", "mutation_effects"],
  minHops: 1,
  maxHops: 5,
  draft(rng, hops) {
    const intro = `SpCas9 cuts in a coding exon of ${rng.pick(GENES)}, and error-prone non-homologous end joining (NHEJ) repairs the break.`;
    return atDepth(BY_HOPS, hops)(rng, intro);
  },
};
