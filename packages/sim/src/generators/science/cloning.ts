import type { Rng } from "../../random.ts";
import { capitalize, listed } from "../../text.ts";
import { atDepth, type ChoiceDraft } from "../choice.ts";
import type { ScienceFamily } from "./family.ts";

/** Restriction digests of circular plasmids: the fragment sizes a gel would show, from the sites' positions. */

const ENZYMES = ["EcoRI", "BamHI", "HindIII", "XhoI", "NotI", "PstI"];
const PLASMIDS = ["a cloning vector", "an expression plasmid", "a reporter construct", "a shuttle vector"];

/** "1200 bp and 3400 bp", smallest first, as fragments are read off a gel. */
function fragments(sizes: readonly number[]): string {
  const sorted = [...sizes].sort((a, b) => a - b).map((size) => `${size} bp`);
  return sorted.length < 2 ? `One fragment of ${listed(sorted)}` : listed(sorted);
}

/** Distinct cut positions in 1..length, ascending, at least 100 bp apart. */
function sites(rng: Rng, length: number, count: number): number[] {
  const positions = new Set<number>();
  while (positions.size < count)
    positions.add(rng.int(1, Math.floor(length / 100) - 1) * 100 + rng.int(0, 99));
  const sorted = [...positions].sort((a, b) => a - b);
  return sorted.every((p, i) => i === 0 || p - (sorted[i - 1] ?? 0) >= 100)
    ? sorted
    : sites(rng, length, count);
}

function singleSite(length: number, plasmid: string, enzyme: string): ChoiceDraft {
  return {
    question: `${plasmid} is a ${length}-bp circular plasmid with a single ${enzyme} site. What does complete digestion with ${enzyme} give?`,
    correct: `One linear fragment of ${length} bp`,
    distractors: [
      `Two fragments of ${Math.round(length / 2)} bp`,
      `One circular molecule of ${length} bp`,
      `One linear fragment of ${length - 6} bp`,
      `Two fragments of ${length - 6} bp and 6 bp`,
    ],
    steps: [`Cutting a circle once opens it into one linear molecule of the full ${length} bp`],
  };
}

function siteList(enzyme: string, positions: readonly number[]): string {
  if (positions.length === 1) return `one ${enzyme} site at position ${positions[0]}`;
  return `${enzyme} sites at positions ${listed(positions.map(String))}`;
}

/** The fragments between neighbouring sites, the last running round the circle back to the first site. */
function pieces(length: number, positions: readonly number[]): number[] {
  const first = positions[0] ?? 0;
  return positions.map((p, i) => (positions[i + 1] ?? length + first) - p);
}

/** A digest with `counts[i]` sites of enzyme i: one hop per fragment. */
function digest(
  rng: Rng,
  length: number,
  plasmid: string,
  enzymes: readonly string[],
  counts: number[],
): ChoiceDraft {
  const positions = sites(
    rng,
    length,
    counts.reduce((a, b) => a + b, 0),
  );
  const owners = rng.shuffle(counts.flatMap((count, i) => Array.from({ length: count }, () => i)));
  const used = enzymes.slice(0, counts.length);
  const sitesOf = (i: number) => positions.filter((_, at) => owners[at] === i);
  const described = listed(used.map((enzyme, i) => siteList(enzyme, sitesOf(i))));
  const sizes = pieces(length, positions);
  const inner = sizes.slice(0, -1);
  const first = positions[0] ?? 0;
  const last = positions.at(-1) ?? 0;
  const steps = positions.map((p, i) => {
    const next = positions[i + 1];
    return next === undefined
      ? `Round the circle from ${p} back to ${first}: ${length} - ${p} + ${first} = ${sizes[i]} bp`
      : `From ${p} to ${next}: ${next} - ${p} = ${sizes[i]} bp`;
  });
  return {
    question: `${plasmid} is a ${length}-bp circular plasmid with ${described}. Which fragments does complete digestion with ${listed(used)} give?`,
    correct: fragments(sizes),
    distractors: [
      fragments([first, ...inner, length - last]),
      fragments(inner),
      fragments(pieces(length, sitesOf(0))),
      fragments([...inner, length - last]),
      fragments([...inner, length]),
    ],
    steps,
  };
}

export const cloning: ScienceFamily = {
  name: "restriction-digest",
  skills: ["molecular_cloning"],
  minHops: 1,
  maxHops: 5,
  draft(rng, hops) {
    const length = rng.int(25, 90) * 100 + rng.int(0, 99);
    const plasmid = capitalize(rng.pick(PLASMIDS));
    if (hops === 1) return singleSite(length, plasmid, rng.pick(ENZYMES));
    // Sites per enzyme for two to five fragments: one enzyme, then a double and a triple digest.
    const counts = atDepth([[2], [1, 2], [2, 2], [1, 2, 2]], hops - 1);
    return digest(rng, length, plasmid, rng.shuffle(ENZYMES), counts);
  },
};
