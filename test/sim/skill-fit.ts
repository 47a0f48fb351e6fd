import type { AttackerOutput } from "../../protocol/role-outputs.ts";

/**
 * What a question of each shipped skill shows in its text, read off the simulator's templates and case bank: a
 * label passes only when the question visibly exercises the skill, so an echo of the prompt's skill fails.
 */

type SkillCheck = (question: AttackerOutput) => boolean;

const shows =
  (...patterns: RegExp[]): SkillCheck =>
  (question) =>
    patterns.some((pattern) => pattern.test(question.question));

const numbersIn = (text: string) => text.match(/\d+(?:\.\d+)?/g)?.length ?? 0;

const MATH: Record<string, SkillCheck> = {
  // At least two computations: a start, its operand and a later operand.
  multi_step_arithmetic: (q) => q.hops >= 2 && numbersIn(q.question) >= 3,
  rates_and_ratios: shows(/\ba day\b|\beach\b|\bper\b|times as|\bevery week\b/i),
  percentages: shows(/\d+%/),
  unit_conversion: shows(
    /\bminutes\b.*\bhours\b/s,
    /\bgrams\b.*\bkilograms\b/s,
    /(\$\d|dollars).*\beuros\b/s,
  ),
  combinatorics_lite: shows(/pairs one variety with one of \d+/, /different gifts/),
  time_and_schedules: shows(/\bminutes?\b|\bhours?\b/),
  money_and_budgets: shows(/\$\d|\bdollars?\b/),
  fractions_and_decimals: shows(/\b\d+\/\d+\b/),
  averages: shows(/\baverage\b/i),
  measurement_geometry: shows(/metres long and \d+ metres wide|square metres?/),
};

const SCIENCE: Record<string, SkillCheck> = {
  crispr_design: shows(/Cas9|Cas12a|\bPAM\b|sgRNA|protospacer/),
  gene_editing_outcomes: shows(/non-homologous end joining|NHEJ/),
  sequence_analysis: shows(/[35]'-[ACGTU]{3,}-[35]'/),
  mendelian_genetics: shows(/is dominant to .*A cross is made/s),
  molecular_cloning: shows(/circular plasmid.*digestion/s),
  pcr_and_primers: shows(/primer|PCR/),
  gene_expression: shows(/mRNA|peptide|genetic code/),
  mutation_effects: shows(/substitution|deletion|insertion|has lost \d+ bp/),
  epigenetics: shows(/Barr bod|methyl|CpG/),
  population_genetics: shows(/Hardy-Weinberg/),
};

const MEDICAL: Record<string, SkillCheck> = {
  // Asks for the diagnosis, or turns on a condition the vignette leaves unnamed.
  diagnosis: shows(
    /most likely (diagnosis|cause)|organism is most likely|\b(his|her) condition\b|condition (that|most likely) explains/,
  ),
  next_best_step: shows(
    /first-line|first step|first treatment|initial treatment|preferred|most appropriate|most effective|best replacement|should be|must be|which test|which imaging|co-prescribed|withheld|need long term|regimen/i,
  ),
  pharmacology: shows(
    /drug|mechanism of|adverse|anticoagulant|antihypertensive|regimen|treatment|mood stabiliser|co-prescribed|receptors|coenzyme|withheld|replacement/i,
  ),
  pathophysiology: shows(
    /mechanism of (his|her) swelling|antibodies|what causes it|electron microscopy|urinary loss|why does/i,
  ),
  lab_and_imaging_interpretation: shows(
    /\bpH\b|mEq\/L|mg\/dL|g\/dL|\bfL\b|ferritin|iron-binding|which test|serum level/i,
  ),
  microbiology_and_infection: shows(
    /organism|tuberculosis|acid-fast|cavitary|sputum|night sweats|urea breath|regimen|standard initial treatment/i,
  ),
  biostatistics: shows(/sensitivity.*specificity/s),
  emergency_management: shows(/emergency department|major bleeding/),
  anatomy_localization: shows(/where is the lesion|which artery|which nerve|injured nerve/i),
};

const CHECKS: Record<string, Record<string, SkillCheck>> = { math: MATH, science: SCIENCE, medical: MEDICAL };

/** Whether the question's text shows the skill it is labelled with. */
export function fitsSkill(domain: string, question: AttackerOutput): boolean {
  const check = CHECKS[domain]?.[question.skill];
  return check?.(question) ?? false;
}

/** The only asks the simulator cannot write for: one computation is not multi-step arithmetic. */
export function canWrite(domain: string, skill: string, complexity: number): boolean {
  return !(domain === "math" && skill === "multi_step_arithmetic" && complexity === 1);
}
