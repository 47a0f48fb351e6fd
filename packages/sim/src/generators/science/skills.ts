/**
 * The science pack's skills (prompts/science/pack.yaml). A family lists the ones its questions exercise, most
 * specific first: a question is labelled with the first unless another of them was asked for.
 */
export const SCIENCE_SKILLS = [
  "crispr_design",
  "gene_editing_outcomes",
  "sequence_analysis",
  "mendelian_genetics",
  "molecular_cloning",
  "pcr_and_primers",
  "gene_expression",
  "mutation_effects",
  "epigenetics",
  "population_genetics",
] as const;

export type ScienceSkill = (typeof SCIENCE_SKILLS)[number];
