import { hashString } from "./random.ts";

/**
 * Deterministic text embeddings without a model: word, word-pair and character-trigram features hashed into a
 * signed vector (the "hashing trick"), L2-normalised. Texts sharing words and word pieces (paraphrases) land
 * close; unrelated texts are near orthogonal. Function words count little, so they do not make everything alike.
 */

export const DEFAULT_DIMENSIONS = 256;

const STOPWORDS = new Set(
  "a an the of to in on at for from by with and or but is are was were be been it its this that these those as he she they his her their them i you we our how many much what which who does do did has have had than then so if into each".split(
    " ",
  ),
);

const WORD_WEIGHT = 1;
const STOPWORD_WEIGHT = 0.15;
const PAIR_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.2;

/** Light stemming so "apples"/"apple" and "sold"/"selling" share more features. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

function add(vector: Float64Array, feature: string, weight: number): void {
  const hash = hashString(feature);
  const index = hash % vector.length;
  const sign = Math.floor(hash / vector.length) % 2 === 0 ? 1 : -1;
  vector[index] = (vector[index] ?? 0) + sign * weight;
}

export function embedText(text: string, dimensions = DEFAULT_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem);
  words.forEach((word, i) => {
    const stop = STOPWORDS.has(word);
    add(vector, `w:${word}`, stop ? STOPWORD_WEIGHT : WORD_WEIGHT);
    const next = words[i + 1];
    if (next !== undefined && !(stop && STOPWORDS.has(next))) add(vector, `p:${word} ${next}`, PAIR_WEIGHT);
    if (!stop) {
      const padded = `#${word}#`;
      for (let j = 0; j + 3 <= padded.length; j++) add(vector, `t:${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT);
    }
  });
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  // An empty text still gets a unit vector, so cosine similarity stays defined.
  if (norm === 0) return Array.from({ length: dimensions }, (_, i) => (i === 0 ? 1 : 0));
  return Array.from(vector, (value) => value / norm);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
}

/** OpenAI's base64 encoding: little-endian float32s. */
export function toBase64(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}
