import { fromPromise } from "xstate";
import { defineAgent } from "../../host/define-agent.ts";
import type { AgentContext } from "../../host/definition.ts";
import { modelFor, packFor } from "../../host/model-lookup.ts";
import { defenderMachine, type GivenAnswer } from "../../machines/defender.ts";
import { AnswerSubmitted, QuestionScreened, RoundClosed } from "../../protocol/messages.ts";
import { DEFENDER_SCHEMA_NAME, DefenderOutput } from "../../protocol/role-outputs.ts";

export function createDefenderActors(context: Pick<AgentContext, "models" | "packs">) {
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

export const defenderAgent = defineAgent({
  type: "defender",
  description: "answers the question with step-by-step reasoning",
  consumes: { "question.screened": QuestionScreened },
  produces: { "answer.submitted": AnswerSubmitted, "round.closed": RoundClosed },
  create: (context) => ({
    stages: { "question.screened": defenderMachine.provide({ actors: createDefenderActors(context) }) },
  }),
});
