import { SystemError } from "../../../protocol/errors.ts";

/**
 * Seeded randomness. Everything the simulator invents comes from an Rng seeded by a hash of what identifies the
 * choice (seed, model, request), so the same inputs always give the same outputs.
 */

/** cyrb53: a fast, well-spread 53-bit string hash. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** mulberry32: tiny and fast, plenty for picking words and numbers. */
export class Rng {
  private state: number;
  private readonly origin: number;

  constructor(seed: number) {
    this.origin = ((seed % 4294967296) ^ Math.floor(seed / 4294967296)) >>> 0;
    this.state = this.origin;
  }

  /** An Rng seeded by the hash of the parts, e.g. Rng.of(seed, model, messagesJson). */
  static of(...parts: readonly (string | number)[]): Rng {
    return new Rng(hashString(parts.join("\u0000")));
  }

  /** An independent stream for one purpose, so drawing more numbers for one thing does not shift another. */
  derive(label: string): Rng {
    return new Rng(hashString(label, this.origin));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined)
      throw new SystemError("Rng.pick was given an empty list; give it at least one item");
    return item;
  }

  /** Picks by weight; entries with weight 0 are never picked. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let left = this.next() * total;
    for (const [item, weight] of entries) {
      left -= weight;
      if (left < 0) return item;
    }
    const last = entries.findLast(([, weight]) => weight > 0);
    if (last === undefined)
      throw new SystemError("Rng.weighted needs at least one entry with a positive weight");
    return last[0];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}
