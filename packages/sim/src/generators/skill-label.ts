import { SystemError } from "../../../../protocol/errors.ts";

/** A skill as packs name them: "Unit conversion" and "unit-conversion" both read as unit_conversion. */
export function skillName(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/**
 * The skill a written question is labelled with: the one asked for when the question exercises it, else the
 * first it does exercise (writers list them most specific first); never one it does not exercise, so the
 * curator's per-skill tables count what each question really tests.
 */
export function labelSkill(wanted: string, exercised: readonly string[]): string {
  const name = skillName(wanted);
  if (exercised.includes(name)) return name;
  const first = exercised[0];
  if (first === undefined)
    throw new SystemError("a written question exercises no skill; tag the template it came from with one");
  return first;
}
