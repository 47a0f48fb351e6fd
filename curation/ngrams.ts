/**
 * Word n-grams for contamination checks. Numbers, in digits or words, become one placeholder, so a benchmark
 * item rewritten with other numbers (GSM-Hard is GSM8K with larger numbers) still shares its n-grams.
 */

export const NUMBER_TOKEN = "<num>";

const NUMBER_WORDS = new Set(
  (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " +
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion"
  ).split(" "),
);

/** Lower-case words with every number (4,933,828 / 1.50 / twenty-five) as one NUMBER_TOKEN. */
export function normalisedWords(text: string): string[] {
  const words: string[] = [];
  const spaced = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\d+(?:[.,]\d+)*/g, ` ${NUMBER_TOKEN} `);
  for (const raw of spaced.match(/<num>|\p{L}+/gu) ?? []) {
    const word = NUMBER_WORDS.has(raw) ? NUMBER_TOKEN : raw;
    if (!(word === NUMBER_TOKEN && words.at(-1) === NUMBER_TOKEN)) words.push(word);
  }
  return words;
}

/** Distinct n-grams of the text; a text shorter than n is one gram, so short exact copies still match. */
export function wordNgrams(text: string, n: number): Set<string> {
  const words = normalisedWords(text);
  if (words.length === 0) return new Set();
  if (words.length < n) return new Set([words.join(" ")]);
  const grams = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) grams.add(words.slice(i, i + n).join(" "));
  return grams;
}

export interface NgramMatch {
  item: number;
  /** Shared n-grams over the n-grams of the shorter of the two texts: 1 when one contains the other. */
  overlap: number;
}

/** Inverted index from n-gram to the items holding it, for the best-overlapping item of a text. */
export class NgramIndex {
  readonly #postings = new Map<string, number[]>();
  readonly #gramCounts: number[] = [];

  constructor(readonly n: number) {}

  /** Adds an item; returns its number. */
  add(text: string): number {
    const item = this.#gramCounts.length;
    const grams = wordNgrams(text, this.n);
    this.#gramCounts.push(grams.size);
    for (const gram of grams) {
      const items = this.#postings.get(gram);
      if (items) items.push(item);
      else this.#postings.set(gram, [item]);
    }
    return item;
  }

  best(text: string): NgramMatch | undefined {
    const grams = wordNgrams(text, this.n);
    const shared = new Map<number, number>();
    for (const gram of grams)
      for (const item of this.#postings.get(gram) ?? []) shared.set(item, (shared.get(item) ?? 0) + 1);
    let best: NgramMatch | undefined;
    for (const [item, count] of shared) {
      const overlap = count / Math.min(grams.size, this.#gramCounts[item] as number);
      if (!best || overlap > best.overlap) best = { item, overlap };
    }
    return best;
  }
}
