import type { Rng } from "../../random.ts";
import { capitalize, listed } from "../../text.ts";
import { atDepth, toChoiceQuestion } from "../choice.ts";
import { labelSkill, skillName } from "../skill-label.ts";
import type { QuestionWriter } from "../spec.ts";
import { ACUTE_CASES } from "./acute-cases.ts";
import { CASES as CLINIC_CASES, type ClinicalCase } from "./cases.ts";
import { screeningQuestion } from "./screening.ts";

/**
 * Clinical vignettes from the case bank, asked `complexity` links deep, with 4 or 5 options; and, when
 * biostatistics is asked for, a screening test worked through its 2x2 table.
 */

const CASES: readonly ClinicalCase[] = [...CLINIC_CASES, ...ACUTE_CASES];

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

function vignette(rng: Rng, clinical: ClinicalCase, fill: (text: string) => string): string {
  const patient = rng.pick(clinical.patients);
  const age = rng.int(clinical.ages[0], clinical.ages[1]);
  const findings = rng.shuffle(clinical.findings).slice(0, rng.int(2, clinical.findings.length));
  return `A ${age}-year-old ${patient} ${rng.pick(clinical.settings ?? SETTINGS)} with ${fill(rng.pick(clinical.complaints))}. ${rng.pick(FINDING_LEADS)} ${listed(findings)}.`;
}

/** As deep as the complexity asks, where the case's chain goes that deep. */
function depthIn(clinical: ClinicalCase, complexity: number): number {
  return Math.max(1, Math.min(complexity, clinical.chain.length));
}

/** A case as deep as asked whose asked link exercises the skill, where the bank has one. */
function pickCase(rng: Rng, complexity: number, wanted: string): ClinicalCase {
  const deepEnough = CASES.filter((c) => c.chain.length >= complexity);
  const pool = deepEnough.length > 0 ? deepEnough : CASES;
  const asking = pool.filter((c) =>
    atDepth(c.chain, depthIn(c, complexity)).skills.some((skill) => skill === wanted),
  );
  return rng.pick(asking.length > 0 ? asking : pool);
}

export const writeMedicalQuestion: QuestionWriter = (rng, spec, invalid) => {
  const wanted = skillName(spec.skill);
  if (wanted === "biostatistics") {
    const hops = Math.min(5, Math.max(1, spec.complexity));
    const draft = { ...screeningQuestion(rng, hops), optionCount: rng.pick([4, 5] as const) };
    return { ...toChoiceQuestion(rng, draft, invalid), skill: wanted };
  }
  const clinical = pickCase(rng, spec.complexity, wanted);
  const depth = depthIn(clinical, spec.complexity);
  const target = atDepth(clinical.chain, depth);
  const patient = rng.pick(clinical.patients);
  const words = pronouns(patient);
  const fill = (text: string) => text.replace(/\{they\}|\{their\}|\{them\}/g, (key) => words[key] ?? key);
  const ask = capitalize(fill(target.ask));
  const question = toChoiceQuestion(
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
  return { ...question, skill: labelSkill(spec.skill, target.skills) };
};
