/**
 * The medical pack's skills (prompts/medical/pack.yaml). A vignette's links list the ones they exercise, most
 * specific first: a question is labelled with the first of its asked link unless another it needs was asked for.
 */
export const MEDICAL_SKILLS = [
  "diagnosis",
  "next_best_step",
  "pharmacology",
  "pathophysiology",
  "lab_and_imaging_interpretation",
  "microbiology_and_infection",
  "biostatistics",
  "emergency_management",
  "anatomy_localization",
] as const;

export type MedicalSkill = (typeof MEDICAL_SKILLS)[number];
