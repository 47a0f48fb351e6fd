import { capitalize } from "../../text.ts";
import { atDepth } from "../choice.ts";
import { gcCount, randomDna, reverseComplement } from "./dna.ts";
import type { ScienceFamily } from "./family.ts";
import { sig } from "./family.ts";

/** GC content and the Wallace-rule melting temperature of short oligonucleotides. */

const PURPOSES = [
  "a PCR primer",
  "a hybridisation probe",
  "a sequencing primer",
  "an oligonucleotide adapter",
  "a qPCR probe",
];

export const gcContent: ScienceFamily = {
  name: "gc-content",
  skills: ["pcr", "primer", "sequence"],
  minHops: 1,
  maxHops: 3,
  draft(rng, hops) {
    const oligo = randomDna(rng, rng.int(16, 28));
    const gc = gcCount(oligo);
    const at = oligo.length - gc;
    const percent = (100 * gc) / oligo.length;
    const tm = 2 * at + 4 * gc;
    const purpose = rng.pick(PURPOSES);
    const tmSteps = [
      `G + C = ${gc} and A + T = ${at} of ${oligo.length} bases`,
      `Tm = 2 × ${at} + 4 × ${gc} = ${tm} °C`,
    ];
    const tmWrong = [4 * at + 2 * gc, 2 * oligo.length, 4 * oligo.length, tm + 4].map((t) => `${t} °C`);
    const levels = [
      {
        text: `What is the GC content of ${purpose} with the sequence 5'-${oligo}-3'?`,
        correct: `${sig(percent)}%`,
        wrong: [
          100 - percent,
          (100 * gc) / (2 * oligo.length),
          (100 * (gc + 1)) / oligo.length,
          percent / 2,
        ].map((x) => `${sig(x)}%`),
        steps: [
          `G + C = ${gc} of ${oligo.length} bases, so GC content = ${gc}/${oligo.length} = ${sig(percent)}%`,
        ],
      },
      {
        text: `Using the Wallace rule, Tm = 2(A+T) + 4(G+C), what is the melting temperature of ${purpose} 5'-${oligo}-3'?`,
        correct: `${tm} °C`,
        wrong: tmWrong,
        steps: tmSteps,
      },
      {
        text: `${capitalize(purpose)} is designed as the reverse complement of 5'-${reverseComplement(oligo)}-3'. Using the Wallace rule, Tm = 2(A+T) + 4(G+C), what is its melting temperature?`,
        correct: `${tm} °C`,
        wrong: tmWrong,
        steps: [`Its sequence is the reverse complement: 5'-${oligo}-3'`, ...tmSteps],
      },
    ];
    const level = atDepth(levels, hops);
    return { question: level.text, correct: level.correct, distractors: level.wrong, steps: level.steps };
  },
};
