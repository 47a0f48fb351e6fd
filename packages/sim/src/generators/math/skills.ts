/**
 * The math pack's skills (prompts/math/pack.yaml), most specific first: a question that exercises several and
 * was not asked for one of them is labelled with the first.
 */
export const MATH_SKILLS = [
  "averages",
  "unit_conversion",
  "time_and_schedules",
  "measurement_geometry",
  "combinatorics_lite",
  "percentages",
  "fractions_and_decimals",
  "money_and_budgets",
  "rates_and_ratios",
  "multi_step_arithmetic",
] as const;

export type MathSkill = (typeof MATH_SKILLS)[number];
