import { fromPromise } from "xstate";
import { z } from "zod";
import type { AgentContext, AgentDefinition } from "../../host/definition.ts";
import { modelFor, packFor } from "../../host/model-lookup.ts";
import { defenderMachine, type GivenAnswer } from "../../machines/defender.ts";
import { AnswerSubmitted, QuestionScreened, RoundClosed } from "../../protocol/messages.ts";
import { DEFENDER_SCHEMA_NAME, DefenderOutput } from "../../protocol/role-outputs.ts";

export function createDefenderActors(context: AgentContext<unknown>) {
  return {
    answerQuestion: fromPromise<GivenAnswer, QuestionScreened>(async ({ input, signal }) => {
      const { spec, question } = input;
      const prompt = packFor(context, spec.domain).render("defender", { question });
      const result = await modelFor(context, spec.defender, "defender").generate({
        role: "defender",
        ...prompt,
        schemaName: DEFENDER_SCHEMA_NAME,
        schema: DefenderOutput,
        roundId: spec.roundId,
        signal,
      });
      return {
        answer: { reasoning: result.value.reasoning, finalAnswer: result.value.final_answer.trim() },
      };
    }),
  };
}

export const defenderAgent: AgentDefinition<unknown> = {
  type: "defender",
  description: "answers the question with step-by-step reasoning",
  options: z.object({}).passthrough(),
  create: async (context) => ({
    handlers: [
      {
        consumes: "question.screened",
        input: QuestionScreened,
        produces: { "answer.submitted": AnswerSubmitted, "round.closed": RoundClosed },
        machine: defenderMachine.provide({ actors: createDefenderActors(context) }),
      },
    ],
  }),
};
