import { hashString } from "./random.ts";

/**
 * A model sampled above temperature 0 answers the same prompt differently each time it is asked, and the
 * simulator does too: the nth identical request (same model, same messages) gets the nth draw, so two rounds
 * that ask the Attacker for the same skill and complexity get two different questions. A fresh simulator with
 * the same seed replays the same sequence; at temperature 0 every draw is the first, as greedy decoding repeats
 * itself.
 */
export class SampleCounter {
  /** hash(model, messages) -> requests seen; the oldest entries are forgotten past the capacity. */
  private readonly seen = new Map<number, number>();

  constructor(private readonly capacity = 100_000) {}

  /** Which draw this request is: 0 the first time it is seen (and always at temperature 0), then 1, 2, ... */
  next(model: string, messages: string, temperature?: number | null): number {
    if (temperature === 0) return 0;
    const key = hashString(`${model}\u0000${messages}`);
    const draw = this.seen.get(key) ?? 0;
    this.seen.delete(key);
    this.seen.set(key, draw + 1);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    return draw;
  }
}
