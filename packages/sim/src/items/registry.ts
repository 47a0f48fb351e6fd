import { normalizeText } from "../text.ts";
import type { SimItem } from "./item.ts";

/**
 * Question text -> what the simulator knows about it. Found by exact text, or inside a longer prompt (an eval
 * prompt that wraps the question in instructions) by looking up windows of its opening words.
 */

const OPENING_WORDS = 12;

interface Entry {
  normalized: string;
  item: SimItem;
}

export class QuestionRegistry {
  private readonly exact = new Map<string, Entry>();
  private readonly byOpening = new Map<string, Entry[]>();
  private readonly openingSizes = new Set<number>();
  /** Generated questions, oldest first; benchmark items are never evicted. */
  private readonly generated: string[] = [];

  /** `capacity` bounds memory on long load tests: the oldest generated questions are forgotten first. */
  constructor(private readonly capacity = 50_000) {}

  add(item: SimItem, source: "generated" | "benchmark" = "generated"): void {
    const normalized = normalizeText(item.question);
    if (normalized === "" || this.exact.has(normalized)) return;
    const entry = { normalized, item };
    this.exact.set(normalized, entry);
    const key = this.openingOf(normalized);
    this.byOpening.set(key, [...(this.byOpening.get(key) ?? []), entry]);
    if (source === "generated") {
      this.generated.push(normalized);
      if (this.generated.length > this.capacity) this.forget(this.generated.shift() ?? "");
    }
  }

  get size(): number {
    return this.exact.size;
  }

  /** The item whose question is `text`, or is quoted inside `text`. */
  find(text: string): SimItem | undefined {
    const normalized = normalizeText(text);
    const exact = this.exact.get(normalized);
    if (exact) return exact.item;
    const words = normalized.split(" ");
    let best: Entry | undefined;
    for (const size of this.openingSizes) {
      for (let i = 0; i + size <= words.length; i++) {
        for (const entry of this.byOpening.get(words.slice(i, i + size).join(" ")) ?? []) {
          const longer = !best || entry.normalized.length > best.normalized.length;
          if (longer && normalized.includes(entry.normalized)) best = entry;
        }
      }
    }
    return best?.item;
  }

  private openingOf(normalized: string): string {
    const words = normalized.split(" ").slice(0, OPENING_WORDS);
    this.openingSizes.add(words.length);
    return words.join(" ");
  }

  private forget(normalized: string): void {
    this.exact.delete(normalized);
    const key = normalized.split(" ").slice(0, OPENING_WORDS).join(" ");
    const left = (this.byOpening.get(key) ?? []).filter((entry) => entry.normalized !== normalized);
    if (left.length > 0) this.byOpening.set(key, left);
    else this.byOpening.delete(key);
  }
}
