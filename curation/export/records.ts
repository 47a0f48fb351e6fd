import type { EditedField } from "../../protocol/review.ts";
import type { ReviewedSample } from "../reviews.ts";
import type { Column } from "./columns.ts";
import { toOpenAIChat } from "./training-formats.ts";
import { completionText, finalAnswer, promptText } from "./training-text.ts";

/**
 * One row per sample with everything a user filters or trains on: `prompt` / `completion` and `messages` (what
 * TRL's SFTTrainer reads: prompt-completion or conversational), the question with its options and reference
 * solution as lists, the Judge's grade, who played (topology ids and the models behind them), and what human
 * review made of the sample. The `parquet` and `jsonl` formats write these rows; the run's own dataset.jsonl keeps
 * the complete sample, tool calls included.
 */

export interface RecordContext {
  /** System message of every example. */
  system: string;
  /** Topology model id -> the model it called (run.json); absent ids give null. */
  modelNames: ReadonlyMap<string, string>;
}

/** The column a reader looks for to tell whether a config says what review made of each sample. */
export const REVIEW_STATUS_COLUMN = "review_status";

/**
 * What review made of a sample: its status (`approved` or `edited`; null when nobody decided on it), who
 * reviewed it, which columns an edit changed, and each changed column as the run made it (null when unchanged).
 */
const REVIEW_COLUMNS: readonly Column[] = [
  { name: REVIEW_STATUS_COLUMN, type: "string", nullable: true },
  { name: "reviewers", type: { list: "string" } },
  { name: "edited_fields", type: { list: "string" } },
  { name: "original_question", type: "string", nullable: true },
  { name: "original_reference_answer", type: "string", nullable: true },
  { name: "original_solution_steps", type: { list: "string" }, nullable: true },
];

/** The column that holds each field a reviewer may edit. */
const EDITED_COLUMN: Readonly<Record<EditedField, string>> = {
  text: "question",
  referenceAnswer: "reference_answer",
  solutionSteps: "solution_steps",
};

function reviewFields(review: ReviewedSample["review"]): Record<string, unknown> {
  return {
    review_status: review?.status ?? null,
    reviewers: review?.reviewers ?? [],
    edited_fields: review?.editedFields.map((field) => EDITED_COLUMN[field]) ?? [],
    original_question: review?.original.text ?? null,
    original_reference_answer: review?.original.referenceAnswer ?? null,
    original_solution_steps: review?.original.solutionSteps ?? null,
  };
}

export const RECORD_COLUMNS: readonly Column[] = [
  { name: "id", type: "string" },
  { name: "prompt", type: "string" },
  { name: "completion", type: "string" },
  {
    name: "messages",
    type: {
      list: {
        struct: [
          ["role", "string"],
          ["content", "string"],
        ],
      },
    },
  },
  { name: "system", type: "string" },
  { name: "question", type: "string" },
  { name: "option_labels", type: { list: "string" }, nullable: true },
  { name: "options", type: { list: "string" }, nullable: true },
  { name: "reference_answer", type: "string" },
  { name: "solution_steps", type: { list: "string" } },
  { name: "final_answer", type: "string" },
  { name: "defender_answer", type: "string" },
  { name: "defender_correct", type: "bool" },
  { name: "domain", type: "string" },
  { name: "skill", type: "string" },
  { name: "complexity", type: "int32" },
  { name: "hops", type: "int32" },
  { name: "level", type: "string" },
  { name: "outcome", type: "string" },
  { name: "score", type: "float64" },
  {
    name: "rubric",
    type: {
      list: {
        struct: [
          ["dimension", "string"],
          ["score", "float64"],
        ],
      },
    },
  },
  { name: "novelty_max_similarity", type: "float64" },
  { name: "novelty_source", type: "string" },
  { name: "attacker", type: "string" },
  { name: "attacker_model", type: "string", nullable: true },
  { name: "defender", type: "string" },
  { name: "defender_model", type: "string", nullable: true },
  { name: "judge", type: "string" },
  { name: "judge_model", type: "string", nullable: true },
  { name: "run_id", type: "string" },
  { name: "round_id", type: "string" },
  { name: "accepted_at", type: "string" },
  ...REVIEW_COLUMNS,
];

/** A sample as a record row; keys in RECORD_COLUMNS order. */
export function toRecord(reviewed: ReviewedSample, context: RecordContext): Record<string, unknown> {
  const { sample } = reviewed;
  const { question, verdict } = sample;
  const options = question.options && Object.keys(question.options).length > 0 ? question.options : undefined;
  const labels = options ? Object.keys(options).sort((a, b) => a.localeCompare(b)) : undefined;
  const model = (id: string) => context.modelNames.get(id) ?? null;
  return {
    id: sample.id,
    prompt: promptText(sample),
    completion: completionText(reviewed),
    messages: toOpenAIChat(reviewed, context.system).messages,
    system: context.system,
    question: question.text,
    option_labels: labels ?? null,
    options: labels?.map((label) => options?.[label] ?? "") ?? null,
    reference_answer: question.referenceAnswer,
    solution_steps: question.solutionSteps,
    final_answer: finalAnswer(reviewed),
    defender_answer: sample.answer.finalAnswer,
    defender_correct: verdict.defenderCorrect,
    domain: sample.domain,
    skill: sample.skill,
    complexity: sample.complexity,
    hops: question.hops,
    level: verdict.level,
    outcome: verdict.outcome,
    score: verdict.score,
    rubric: Object.entries(verdict.rubric)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([dimension, score]) => ({ dimension, score })),
    novelty_max_similarity: sample.novelty.maxSimilarity,
    novelty_source: sample.novelty.source,
    attacker: sample.attacker,
    attacker_model: model(sample.attacker),
    defender: sample.defender,
    defender_model: model(sample.defender),
    judge: sample.judge,
    judge_model: model(sample.judge),
    run_id: sample.runId,
    round_id: sample.roundId,
    accepted_at: sample.acceptedAt,
    ...reviewFields(reviewed.review),
  };
}
