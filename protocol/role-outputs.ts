import { z } from "zod";

/**
 * What each role's model must return. Shapes follow OpenAI strict structured output (every key required,
 * `null` instead of absent) so the same schema works with json_schema and with JSON mode plus validation.
 * The names are what a server sees as the json_schema name.
 */

export const ATTACKER_SCHEMA_NAME = "attacker_question";
export const DEFENDER_SCHEMA_NAME = "defender_answer";
export const JUDGE_DERIVATION_SCHEMA_NAME = "judge_derivation";
export const JUDGE_GRADING_SCHEMA_NAME = "judge_grading";

export const AttackerOutput = z.object({
  question: z.string().describe("the complete, self-contained question"),
  options: z
    .array(z.object({ letter: z.string(), text: z.string() }))
    .describe("answer options for multiple-choice domains; empty for open-answer domains"),
  reference_answer: z.string().describe("the correct final answer: a number, or the option letter"),
  solution_steps: z.array(z.string()).describe("explanatory step-by-step solution, one step per item"),
  skill: z.string().describe("the reasoning skill the question targets"),
  hops: z.number().int().describe("number of reasoning hops the solution needs"),
});
export type AttackerOutput = z.infer<typeof AttackerOutput>;

export const DefenderOutput = z.object({
  reasoning: z.string().describe("step-by-step reasoning"),
  final_answer: z.string().describe("the final answer only: a number, or the option letter"),
});
export type DefenderOutput = z.infer<typeof DefenderOutput>;

export const RUBRIC_DIMENSIONS = [
  "step_validity",
  "completeness",
  "explicit_checking",
  "structure_clarity",
  "multi_hop_depth",
] as const;
export type RubricDimension = (typeof RUBRIC_DIMENSIONS)[number];

/**
 * The Judge works in two phases. First it derives the answer blind: it sees the question (and options) only,
 * never the reference answer, the reference solution or the Defender's answer, so its verification cannot be
 * a transcription of the Attacker's steps nor swayed by the Defender.
 */
export const JudgeDerivation = z.object({
  well_posed: z
    .boolean()
    .describe("the question is self-contained, unambiguous and has exactly one right answer"),
  problem: z.string().describe("what makes it ill-posed; empty when it is well posed"),
  derived_answer: z.string().describe("the answer you derived yourself (with tools where available)"),
  reasoning: z.string().describe("how you derived it, in two or three sentences"),
});
export type JudgeDerivation = z.infer<typeof JudgeDerivation>;

/** Then, only for a question whose reference its derivation confirmed, it grades the reference solution. */
export const JudgeGrading = z.object({
  rubric: z.object({
    step_validity: z.number().int().min(1).max(5),
    completeness: z.number().int().min(1).max(5),
    explicit_checking: z.number().int().min(1).max(5),
    structure_clarity: z.number().int().min(1).max(5),
    multi_hop_depth: z.number().int().min(1).max(5),
  }),
  reason: z.string().describe("why, in two or three sentences"),
});
export type JudgeGrading = z.infer<typeof JudgeGrading>;
