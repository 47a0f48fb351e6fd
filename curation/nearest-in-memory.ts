import type { Neighbour } from "./question-store.ts";
import { dot } from "./vectors.ts";

export interface VectorEntry {
  id: string;
  text: string;
  vector: Float32Array;
}

/** Exact k-nearest by cosine over entries held in memory (write buffers, reservations, small stores). */
export function nearestInMemory(
  entries: Iterable<VectorEntry>,
  vector: Float32Array,
  k: number,
): Neighbour[] {
  const best: Neighbour[] = [];
  if (k <= 0) return best;
  for (const entry of entries) {
    const similarity = dot(entry.vector, vector);
    if (best.length === k && similarity <= (best[k - 1] as Neighbour).similarity) continue;
    let at = best.length;
    while (at > 0 && (best[at - 1] as Neighbour).similarity < similarity) at--;
    best.splice(at, 0, { id: entry.id, text: entry.text, similarity });
    if (best.length > k) best.pop();
  }
  return best;
}
