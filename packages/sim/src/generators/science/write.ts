import { toChoiceQuestion } from "../choice.ts";
import { labelSkill, skillName } from "../skill-label.ts";
import type { QuestionWriter } from "../spec.ts";
import { centralDogma } from "./central-dogma.ts";
import { cloning } from "./cloning.ts";
import { crispr } from "./crispr.ts";
import { editingOutcomes } from "./editing-outcomes.ts";
import { epigenetics } from "./epigenetics.ts";
import type { ScienceFamily } from "./family.ts";
import { gcContent } from "./gc-content.ts";
import { hardyWeinberg } from "./hardy-weinberg.ts";
import { mendel } from "./mendel.ts";
import { pointMutations } from "./point-mutations.ts";

/** Genomics and molecular-biology multiple choice with computed answers. */

/** Families any request may get; the rest only when their skill is asked for, so the usual mix stays as it was. */
const GENERAL: readonly ScienceFamily[] = [hardyWeinberg, mendel, centralDogma, gcContent, crispr];
const SPECIALIST: readonly ScienceFamily[] = [editingOutcomes, pointMutations, cloning, epigenetics];

export const writeScienceQuestion: QuestionWriter = (rng, spec, invalid) => {
  const hops = Math.min(5, Math.max(1, spec.complexity));
  const wanted = skillName(spec.skill);
  const deepEnough = (f: ScienceFamily) => f.minHops <= hops && hops <= f.maxHops;
  const named = [...GENERAL, ...SPECIALIST].filter(
    (f) => deepEnough(f) && f.skills.some((s) => s === wanted),
  );
  const family = rng.pick(named.length > 0 ? named : GENERAL.filter(deepEnough));
  return {
    ...toChoiceQuestion(rng, family.draft(rng, hops), invalid),
    skill: labelSkill(spec.skill, family.skills),
  };
};
