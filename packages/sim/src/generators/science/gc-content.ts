import type { Rng } from "../../random.ts";
import { capitalize } from "../../text.ts";
import { atDepth } from "../choice.ts";
import { gcCount, randomDna, reverseComplement } from "./dna.ts";
import type { ScienceFamily } from "./family.ts";
import { sig } from "./family.ts";

/**
 * GC content and the Wallace-rule melting temperature of primers and probes, as checked when designing a PCR, up to
 * the annealing temperature of a primer pair.
 */

const PURPOSES = [
  "a PCR primer",
  "a forward PCR primer",
  "a sequencing primer",
  "a reverse PCR primer",
  "a qPCR probe",
];

const wallace = (oligo: string) => 2 * (oligo.length - gcCount(oligo)) + 4 * gcCount(oligo);

function tmLine(name: string, oligo: string): string {
  const gc = gcCount(oligo);
  const at = oligo.length - gc;
  return `${name}: G + C = ${gc} and A + T = ${at}, so Tm = 2 × ${at} + 4 × ${gc} = ${wallace(oligo)} °C`;
}

const ANNEALING_RULE =
  "The annealing temperature is set 5 °C below the lower of the two primers' melting temperatures by the Wallace rule, Tm = 2(A+T) + 4(G+C). What annealing temperature should be used?";

/** A primer pair's annealing temperature (four hops); with the reverse primer to be read off the template (five). */
function annealing(rng: Rng, forward: string, hops: number) {
  const reversePrimer = randomDna(rng, rng.int(16, 28));
  const low = Math.min(wallace(forward), wallace(reversePrimer));
  const high = Math.max(wallace(forward), wallace(reversePrimer));
  const region = `${forward}${randomDna(rng, rng.int(20, 40))}${reverseComplement(reversePrimer)}`;
  const pair =
    hops === 4
      ? `A PCR uses the forward primer 5'-${forward}-3' and the reverse primer 5'-${reversePrimer}-3'.`
      : `A PCR amplifies a region whose top strand reads 5'-${region}-3'. The forward primer is 5'-${forward}-3' and the reverse primer is the reverse complement of the last ${reversePrimer.length} bases.`;
  return {
    text: `${pair} ${ANNEALING_RULE}`,
    correct: `${low - 5} °C`,
    wrong: [high - 5, low, low + 5, (low + high) / 2 - 5].map((t) => `${t} °C`),
    steps: [
      ...(hops === 5 ? [`The reverse primer is 5'-${reversePrimer}-3'`] : []),
      tmLine("Forward primer", forward),
      tmLine("Reverse primer", reversePrimer),
      `The lower melting temperature is ${low} °C`,
      `Annealing temperature = ${low} - 5 = ${low - 5} °C`,
    ],
  };
}

export const gcContent: ScienceFamily = {
  name: "gc-content",
  skills: ["pcr_and_primers", "sequence_analysis"],
  minHops: 1,
  maxHops: 5,
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
    const level = hops <= 3 ? atDepth(levels, hops) : annealing(rng, oligo, hops);
    return { question: level.text, correct: level.correct, distractors: level.wrong, steps: level.steps };
  },
};
