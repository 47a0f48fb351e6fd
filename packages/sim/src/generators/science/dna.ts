import type { Rng } from "../../random.ts";

/** Sequence helpers and the standard genetic code, for questions whose answers are computed. */

const BASES = "TCAG";
const DNA_BASES = ["A", "C", "G", "T"] as const;
// The standard code in TCAG order of first, second and third base.
const CODE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG";
const THREE_LETTER: Record<string, string> = {
  A: "Ala",
  R: "Arg",
  N: "Asn",
  D: "Asp",
  C: "Cys",
  Q: "Gln",
  E: "Glu",
  G: "Gly",
  H: "His",
  I: "Ile",
  L: "Leu",
  K: "Lys",
  M: "Met",
  F: "Phe",
  P: "Pro",
  S: "Ser",
  T: "Thr",
  W: "Trp",
  Y: "Tyr",
  V: "Val",
};

const COMPLEMENT: Record<string, string> = { A: "T", T: "A", G: "C", C: "G", U: "A" };

export function complement(dna: string): string {
  return [...dna].map((base) => COMPLEMENT[base] ?? base).join("");
}

export function reverse(sequence: string): string {
  return [...sequence].reverse().join("");
}

export function reverseComplement(dna: string): string {
  return reverse(complement(dna));
}

export function toRna(dna: string): string {
  return dna.replaceAll("T", "U");
}

/** One-letter amino acid, or "*" for a stop codon; DNA or RNA codons. */
function aminoAcid(codon: string): string | undefined {
  const digits = [...codon.replaceAll("U", "T")].map((base) => BASES.indexOf(base));
  if (digits.length !== 3 || digits.includes(-1)) return undefined;
  return CODE[digits.reduce((index, digit) => index * 4 + digit, 0)];
}

/** Translates from the first base until a stop codon or the end: "Met-Gly-Lys". */
export function translate(rna: string): string {
  const residues: string[] = [];
  for (let i = 0; i + 3 <= rna.length; i += 3) {
    const residue = aminoAcid(rna.slice(i, i + 3));
    if (residue === undefined || residue === "*") break;
    residues.push(THREE_LETTER[residue] ?? residue);
  }
  return residues.join("-");
}

const SENSE_CODONS = Array.from({ length: 64 }, (_, i) => i)
  .filter((i) => CODE[i] !== "*" && CODE[i] !== "M")
  .map((i) => `${BASES[Math.floor(i / 16)]}${BASES[Math.floor(i / 4) % 4]}${BASES[i % 4]}`);

/** A coding-strand open reading frame: ATG, `length` sense codons, a stop codon. */
export function openReadingFrame(rng: Rng, length: number): string {
  const codons = Array.from({ length }, () => rng.pick(SENSE_CODONS));
  return `ATG${codons.join("")}${rng.pick(["TAA", "TAG", "TGA"])}`;
}

/** A random sequence with no GG and no CC, so a planted NGG PAM is the only one on either strand. */
export function sequenceWithoutPam(rng: Rng, length: number): string {
  let sequence = "";
  while (sequence.length < length) {
    const previous = sequence.at(-1);
    const base = rng.pick(DNA_BASES);
    if ((base === "G" || base === "C") && base === previous) continue;
    sequence += base;
  }
  return sequence;
}

export function gcCount(dna: string): number {
  return [...dna].filter((base) => base === "G" || base === "C").length;
}

export function randomDna(rng: Rng, length: number): string {
  return Array.from({ length }, () => rng.pick(DNA_BASES)).join("");
}
