import type { Rng } from "../../random.ts";
import type { ChoiceDraft } from "../choice.ts";
import type { ScienceSkill } from "./skills.ts";

/** A kind of science question that can be asked at any depth from minHops to maxHops. */
export interface ScienceFamily {
  name: string;
  /** The science pack's skills every question of this family exercises, most specific first. */
  skills: readonly ScienceSkill[];
  minHops: number;
  maxHops: number;
  draft: (rng: Rng, hops: number) => ChoiceDraft;
}

/** Three significant digits, the precision options are printed with. */
export function sig(value: number): string {
  return Number(value.toPrecision(3)).toString();
}
