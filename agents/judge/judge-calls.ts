import type { DomainPack } from "../../domains/pack.ts";
import { assessQuestion, type BlindDerivation } from "../../domains/verdict.ts";
import type { ChatModel, StructuredResult } from "../../llm/chat-model.ts";
import {
  JUDGE_DERIVATION_SCHEMA_NAME,
  JUDGE_GRADING_SCHEMA_NAME,
  JudgeDerivation,
  JudgeGrading,
} from "../../protocol/role-outputs.ts";
import type { Question } from "../../protocol/schemas.ts";
import { createToolRunner, type Tool } from "../../tools/index.ts";

/** The Judge's two model calls, shared by the judge agent and the orchestration benchmark's plain loop. */

export interface BlindCall {
  model: ChatModel;
  roundId?: string;
  pack: DomainPack;
  question: Question;
  tools: readonly Tool[];
  maxToolRounds: number;
  signal?: AbortSignal;
}

/** Phase one: the prompt is rendered from the question's text and options alone. */
export async function deriveBlind(call: BlindCall): Promise<StructuredResult<JudgeDerivation>> {
  const { model, pack, question, maxToolRounds, roundId, signal } = call;
  const offered = call.tools.filter((tool) => pack.tools.includes(tool.name));
  return model.generate({
    role: "judge",
    ...pack.render("judge-derive", { question: { text: question.text, options: question.options } }),
    schemaName: JUDGE_DERIVATION_SCHEMA_NAME,
    schema: JudgeDerivation,
    tools: offered.length > 0 ? createToolRunner(offered) : undefined,
    maxToolRounds,
    roundId,
    signal,
  });
}

export interface GradeCall {
  model: ChatModel;
  roundId?: string;
  pack: DomainPack;
  question: Question;
  blind: BlindDerivation;
  signal?: AbortSignal;
}

/** Phase two, for a question the blind derivation upheld: grades the reference solution, the training data. */
export async function gradeReference(call: GradeCall): Promise<StructuredResult<JudgeGrading>> {
  const { model, pack, question, blind, roundId, signal } = call;
  const derivedAnswer =
    assessQuestion(pack, question, blind).reference.verifiedAnswer ?? blind.output.derived_answer;
  return model.generate({
    role: "judge",
    ...pack.render("judge-grade", { question, derivedAnswer }),
    schemaName: JUDGE_GRADING_SCHEMA_NAME,
    schema: JudgeGrading,
    roundId,
    signal,
  });
}
