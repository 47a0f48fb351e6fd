import { SystemError } from "../../../core/errors.ts";
import type { Rng } from "../../random.ts";
import type { ChoiceDraft } from "../choice.ts";

/** A kind of science question that can be asked at any depth from minHops to maxHops. */
export interface ScienceFamily {
  name: string;
  minHops: number;
  maxHops: number;
  draft: (rng: Rng, hops: number) => ChoiceDraft;
}

/** Three significant digits, the precision options are printed with. */
export function sig(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** The entry for a question `hops` deep (1-based). */
export function atDepth<T>(entries: readonly T[], hops: number): T {
  const entry = entries[hops - 1];
  if (entry === undefined) throw new SystemError(`no question ${hops} hops deep here; ask for 1 to ${entries.length}`);
  return entry;
}
