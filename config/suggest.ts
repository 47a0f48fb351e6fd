/**
 * "Did you mean ...?" for misspelt keys, enum values and ids: the closest candidate by edit distance, when it is
 * close enough to be a typo rather than a different word.
 */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1 each. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Longer words are no typo of a key or id: nothing is suggested for them. */
const MAX_WORD_LENGTH = 256;
/** Candidates compared at most: a longer list (a hostile file's) is cut, not scanned. */
const MAX_CANDIDATES = 1000;

/**
 * The candidate nearest to `word` (ignoring case) when it is close enough to be a typo, about a third of the
 * word's length, and the only one that close: between equally near candidates there is nothing to suggest.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // A typo is a short word; a huge value would cost time and memory quadratic in its length.
  if (word.length > MAX_WORD_LENGTH) return undefined;
  const reach = word.length < 3 ? 0 : Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const scored = [...new Set(candidates)]
    .slice(0, MAX_CANDIDATES)
    // Lengths further apart than the reach cannot be within it: skip them without the table.
    .filter((candidate) => Math.abs(candidate.length - word.length) <= reach)
    .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate.toLowerCase()) }))
    .filter((scored) => scored.distance <= reach)
    .sort((a, b) => a.distance - b.distance);
  const [best, next] = scored;
  return best && best.distance !== next?.distance ? best.candidate : undefined;
}

/** A hint that starts with `did you mean "x"?` when a candidate is close to `word`. */
export function suggestionHint(word: string, candidates: readonly string[], otherwise: string): string {
  const match = closest(word, candidates);
  return match === undefined ? otherwise : `did you mean "${match}"? ${otherwise}`;
}
