import type { GeneratedQuestion } from "../items/item.ts";
import type { Rng } from "../random.ts";

/** What an Attacker prompt asks for (its Domain, Skill and Complexity headers) and who is asking. */
export interface QuestionSpec {
  domain: string;
  skill: string;
  /** Reasoning hops wanted, 1-5. */
  complexity: number;
  /** The attacker model's skill, 0..1. */
  modelSkill: number;
}

/** A question with the domain skill it exercises: the one asked for where the writer could write for it. */
export interface WrittenQuestion extends GeneratedQuestion {
  skill: string;
}

/** Writes one question; `invalid` asks for a wrong reference answer (a deliberate flaw). */
export type QuestionWriter = (rng: Rng, spec: QuestionSpec, invalid: boolean) => WrittenQuestion;
