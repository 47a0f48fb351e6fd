import type { Rng } from "../../random.ts";
import { capitalize } from "../../text.ts";
import { atDepth, toChoiceQuestion } from "../choice.ts";
import type { QuestionWriter } from "../spec.ts";
import { CASES, type ClinicalCase } from "./cases.ts";

/** Clinical vignettes from the case bank, asked `complexity` links deep, with 4 or 5 options. */

const SETTINGS = [
  "comes to the clinic",
  "presents to the emergency department",
  "is seen in primary care",
  "attends a follow-up appointment",
  "is referred to the outpatient service",
];
const FINDING_LEADS = [
  "Evaluation shows",
  "Work-up reveals",
  "Notable findings include",
  "The assessment documents",
];

function pronouns(patient: ClinicalCase["patients"][number]): Record<string, string> {
  const female = patient === "woman" || patient === "girl";
  return {
    "{they}": female ? "she" : "he",
    "{their}": female ? "her" : "his",
    "{them}": female ? "her" : "him",
  };
}

function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function vignette(rng: Rng, clinical: ClinicalCase, fill: (text: string) => string): string {
  const patient = rng.pick(clinical.patients);
  const age = rng.int(clinical.ages[0], clinical.ages[1]);
  const findings = rng.shuffle(clinical.findings).slice(0, rng.int(2, clinical.findings.length));
  return `A ${age}-year-old ${patient} ${rng.pick(SETTINGS)} with ${fill(rng.pick(clinical.complaints))}. ${rng.pick(FINDING_LEADS)} ${listed(findings)}.`;
}

export const writeMedicalQuestion: QuestionWriter = (rng, spec, invalid) => {
  const deepEnough = CASES.filter((c) => c.chain.length >= spec.complexity);
  const clinical = rng.pick(deepEnough.length > 0 ? deepEnough : CASES);
  const depth = Math.max(1, Math.min(spec.complexity, clinical.chain.length));
  const target = atDepth(clinical.chain, depth);
  const patient = rng.pick(clinical.patients);
  const words = pronouns(patient);
  const fill = (text: string) => text.replace(/\{they\}|\{their\}|\{them\}/g, (key) => words[key] ?? key);
  const ask = capitalize(fill(target.ask));
  return toChoiceQuestion(
    rng,
    {
      question: `${vignette(rng, { ...clinical, patients: [patient] }, fill)} ${ask}`,
      correct: target.answer,
      distractors: target.wrong,
      steps: clinical.chain.slice(0, depth).map((link) => link.why),
      optionCount: rng.pick([4, 5] as const),
    },
    invalid,
  );
};
