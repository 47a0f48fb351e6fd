import type { Rng } from "../random.ts";
import { drawFlaws, injectInto } from "./flaws.ts";
import { writeMathQuestion } from "./math/write.ts";
import { writeMedicalQuestion } from "./medical/write.ts";
import { writeScienceQuestion } from "./science/write.ts";
import type { QuestionSpec, QuestionWriter, WrittenQuestion } from "./spec.ts";

/** Picks the writer for a domain; a domain the simulator has no bank for falls back on its answer format. */
function writerFor(domain: string, answerFormat: string | undefined): QuestionWriter {
  const name = domain.toLowerCase();
  if (/math|arith|gsm/.test(name)) return writeMathQuestion;
  if (/medic|clinic|health|usmle/.test(name)) return writeMedicalQuestion;
  if (/scien|bio|gen|chem|crispr/.test(name)) return writeScienceQuestion;
  return answerFormat === "numeric" ? writeMathQuestion : writeScienceQuestion;
}

export function writeQuestion(rng: Rng, spec: QuestionSpec & { answerFormat?: string }): WrittenQuestion {
  const flaws = drawFlaws(rng.derive("flaws"), spec.modelSkill);
  const generated = writerFor(spec.domain, spec.answerFormat)(rng, spec, flaws.invalid);
  if (!flaws.injected) return generated;
  return { ...generated, item: { ...generated.item, question: injectInto(generated.item.question, rng) } };
}
