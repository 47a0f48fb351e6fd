import type { Rng } from "../../random.ts";
import { atDepth } from "../choice.ts";
import type { ScienceFamily } from "./family.ts";

/** Independent assortment: per-gene Punnett fractions, their product, and expected counts. */

interface Trait {
  symbol: string;
  dominant: string;
  recessive: string;
}

const ORGANISMS: readonly { name: string; traits: readonly Trait[] }[] = [
  {
    name: "pea plants",
    traits: [
      { symbol: "T", dominant: "tall stems", recessive: "dwarf stems" },
      { symbol: "R", dominant: "round seeds", recessive: "wrinkled seeds" },
      { symbol: "Y", dominant: "yellow seeds", recessive: "green seeds" },
      { symbol: "P", dominant: "purple flowers", recessive: "white flowers" },
    ],
  },
  {
    name: "fruit flies",
    traits: [
      { symbol: "V", dominant: "normal wings", recessive: "vestigial wings" },
      { symbol: "E", dominant: "grey bodies", recessive: "ebony bodies" },
      { symbol: "S", dominant: "red eyes", recessive: "sepia eyes" },
    ],
  },
  {
    name: "tomato plants",
    traits: [
      { symbol: "H", dominant: "hairy stems", recessive: "hairless stems" },
      { symbol: "D", dominant: "tall vines", recessive: "dwarf vines" },
      { symbol: "C", dominant: "cut leaves", recessive: "potato leaves" },
    ],
  },
];

interface Fraction {
  n: number;
  d: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function simplify({ n, d }: Fraction): Fraction {
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

const times = (a: Fraction, b: Fraction): Fraction => simplify({ n: a.n * b.n, d: a.d * b.d });
const plus = (a: Fraction, b: Fraction): Fraction => simplify({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
const show = ({ n, d }: Fraction) => (d === 1 ? String(n) : `${n}/${d}`);

interface GeneCross {
  trait: Trait;
  testcross: boolean;
  wantsDominant: boolean;
  fraction: Fraction;
  /** The usual slip: taking the other phenotype's share. */
  slipped: Fraction;
}

function crossGene(rng: Rng, trait: Trait): GeneCross {
  const testcross = rng.chance(0.4);
  const wantsDominant = rng.chance(0.5);
  const dominant = testcross ? { n: 1, d: 2 } : { n: 3, d: 4 };
  const recessive = testcross ? { n: 1, d: 2 } : { n: 1, d: 4 };
  const fraction = wantsDominant ? dominant : recessive;
  const slipped = testcross ? { n: 1, d: 4 } : wantsDominant ? recessive : dominant;
  return { trait, testcross, wantsDominant, fraction, slipped };
}

function genotype(crosses: readonly GeneCross[], parent: 1 | 2): string {
  return crosses
    .map(({ trait: { symbol }, testcross }) =>
      parent === 2 && testcross ? symbol.toLowerCase().repeat(2) : `${symbol}${symbol.toLowerCase()}`,
    )
    .join("");
}

/** Familiar Mendelian shares, the guesses a student reaches for when the computed slips coincide. */
const CLASSIC_RATIOS: readonly Fraction[] = [
  { n: 1, d: 4 },
  { n: 3, d: 4 },
  { n: 1, d: 2 },
  { n: 9, d: 16 },
  { n: 3, d: 16 },
  { n: 1, d: 16 },
  { n: 1, d: 8 },
  { n: 27, d: 64 },
];

/** Gene count and whether to ask for a count of offspring, per depth: the product adds a hop when genes > 1. */
const SHAPES = [
  { genes: 1, count: false },
  { genes: 1, count: true },
  { genes: 2, count: false },
  { genes: 2, count: true },
  { genes: 3, count: true },
] as const;

export const mendel: ScienceFamily = {
  name: "mendelian-cross",
  skills: ["mendelian_genetics"],
  minHops: 1,
  maxHops: 5,
  draft(rng, hops) {
    const shape = atDepth(SHAPES, hops);
    const organism = rng.pick(ORGANISMS.filter((o) => o.traits.length >= shape.genes));
    const crosses = rng
      .shuffle(organism.traits)
      .slice(0, shape.genes)
      .map((trait) => crossGene(rng, trait));
    const phenotype = (c: GeneCross) => (c.wantsDominant ? c.trait.dominant : c.trait.recessive);
    const product = crosses.map((c) => c.fraction).reduce(times);
    const steps = crosses.map(
      (c) =>
        `${c.trait.symbol}: ${c.testcross ? "heterozygote × homozygous recessive" : "heterozygote × heterozygote"} gives ${phenotype(c)} in ${show(c.fraction)} of offspring`,
    );
    if (shape.genes > 1)
      steps.push(
        `The genes assort independently, so multiply: ${crosses.map((c) => show(c.fraction)).join(" × ")} = ${show(product)}`,
      );
    const traitsText = crosses
      .map(
        (c) =>
          `${c.trait.dominant} (${c.trait.symbol}) is dominant to ${c.trait.recessive} (${c.trait.symbol.toLowerCase()})`,
      )
      .join("; ");
    const wanted = crosses.map(phenotype).join(" and ");
    const setup = `In ${organism.name}, ${traitsText}${shape.genes > 1 ? ", and the genes assort independently" : ""}. A cross is made between ${genotype(crosses, 1)} and ${genotype(crosses, 2)}.`;
    const wrong = [
      crosses.map((c, i) => (i === 0 ? c.slipped : c.fraction)).reduce(times),
      crosses.map((c) => c.fraction).reduce(plus),
      simplify({ n: product.d - product.n, d: product.d }),
      crosses.map((c) => c.slipped).reduce(times),
      times(product, { n: 1, d: 2 }),
      ...CLASSIC_RATIOS,
    ];
    if (!shape.count) {
      return {
        question: `${setup} What fraction of the offspring is expected to have ${wanted}?`,
        correct: show(product),
        distractors: wrong.map(show),
        steps,
      };
    }
    const offspring = product.d * rng.int(4, 40);
    const count = (f: Fraction) => String(Math.round((offspring * f.n) / f.d));
    steps.push(`Expected number = ${offspring} × ${show(product)} = ${count(product)}`);
    return {
      question: `${setup} The cross produces ${offspring} offspring. How many are expected to have ${wanted}?`,
      correct: count(product),
      distractors: wrong.map(count),
      steps,
    };
  },
};
