import { toChoiceQuestion } from "../choice.ts";
import type { QuestionWriter } from "../spec.ts";
import { centralDogma } from "./central-dogma.ts";
import { crispr } from "./crispr.ts";
import type { ScienceFamily } from "./family.ts";
import { gcContent } from "./gc-content.ts";
import { hardyWeinberg } from "./hardy-weinberg.ts";
import { mendel } from "./mendel.ts";

/** Genomics and molecular-biology multiple choice with computed answers. */

const FAMILIES: readonly ScienceFamily[] = [hardyWeinberg, mendel, centralDogma, gcContent, crispr];

export const writeScienceQuestion: QuestionWriter = (rng, spec, invalid) => {
  const hops = Math.min(5, Math.max(1, spec.complexity));
  const wanted = spec.skill.toLowerCase();
  const fitting = FAMILIES.filter((f) => f.minHops <= hops && hops <= f.maxHops);
  const named = fitting.filter((f) => f.skills.some((word) => wanted.includes(word)));
  const family = rng.pick(named.length > 0 ? named : fitting);
  return toChoiceQuestion(rng, family.draft(rng, hops), invalid);
};
