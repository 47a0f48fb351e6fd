import { atDepth } from "../choice.ts";
import type { ScienceFamily } from "./family.ts";
import { sig } from "./family.ts";

/** Population genetics from the observed frequency of an autosomal recessive disorder; one more step per hop. */

const DISORDERS = [
  "Cystic fibrosis",
  "Phenylketonuria",
  "Tay-Sachs disease",
  "Sickle cell disease",
  "Oculocutaneous albinism",
  "Gaucher disease",
  "Hereditary haemochromatosis",
  "Spinal muscular atrophy",
];
const POPULATIONS = [
  "an isolated island population",
  "a large outbred city population",
  "a mountain village",
  "a founder population of settlers",
  "a rural farming community",
  "a fishing community on a remote coast",
];

export const hardyWeinberg: ScienceFamily = {
  name: "hardy-weinberg",
  skills: ["population_genetics"],
  minHops: 1,
  maxHops: 5,
  draft(rng, hops) {
    const root = rng.int(8, 60);
    const affected = root * root;
    const q = 1 / root;
    const p = 1 - q;
    const carriers = 2 * p * q;
    const sample = rng.pick([1000, 2000, 5000, 10_000, 20_000, 50_000]);
    const expected = Math.round(sample * carriers);
    const unaffectedCarrier = carriers / (1 - q * q);
    const risk = unaffectedCarrier ** 2 / 4;
    const steps = [
      `q² = 1/${affected}, so the recessive allele frequency q = 1/${root} = ${sig(q)}`,
      `The dominant allele frequency p = 1 - q = ${sig(p)}`,
      `The carrier (heterozygote) frequency 2pq = 2 × ${sig(p)} × ${sig(q)} = ${sig(carriers)}`,
      hops === 4
        ? `Expected carriers = ${sample} × ${sig(carriers)} ≈ ${expected}`
        : `An unaffected person is a carrier with probability 2pq / (1 - q²) = ${sig(unaffectedCarrier)}`,
      `Both parents carriers and the child aa: ${sig(unaffectedCarrier)}² × 1/4 = ${sig(risk)}`,
    ];
    const asks = [
      { ask: "What is the frequency of the recessive allele?", correct: q, wrong: [q * q, p, 2 * q, q / 2] },
      {
        ask: "What is the frequency of the dominant allele?",
        correct: p,
        wrong: [q, 1 - q * q, p * p, carriers],
      },
      {
        ask: "What proportion of the population are heterozygous carriers?",
        correct: carriers,
        wrong: [p * q, q * q, 2 * q, p * p],
      },
      {
        ask: `How many carriers are expected in a random sample of ${sample} people?`,
        correct: expected,
        wrong: [
          Math.round(sample * p * q),
          Math.round(sample * 2 * q * q),
          Math.round(sample / affected),
          Math.round(sample * q),
        ],
      },
      {
        ask: "Two unaffected, unrelated people from this population have a child. What is the probability that the child is affected?",
        correct: risk,
        wrong: [carriers ** 2 / 4, unaffectedCarrier ** 2, carriers / 4, q * q],
      },
    ];
    const chosen = atDepth(asks, hops);
    return {
      question: `${rng.pick(DISORDERS)} is an autosomal recessive disorder. In ${rng.pick(POPULATIONS)} in Hardy-Weinberg equilibrium, 1 in ${affected} people is affected. ${chosen.ask}`,
      correct: sig(chosen.correct),
      distractors: chosen.wrong.map(sig),
      steps: steps.slice(0, hops),
    };
  },
};
