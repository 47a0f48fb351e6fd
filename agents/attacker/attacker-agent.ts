import { fromPromise } from "xstate";
import type { DomainPack } from "../../domains/pack.ts";
import { defineAgent } from "../../host/define-agent.ts";
import type { AgentContext } from "../../host/definition.ts";
import { modelFor, packFor } from "../../host/model-lookup.ts";
import { attackerMachine, type GeneratedQuestion } from "../../machines/attacker.ts";
import { ModelError } from "../../protocol/errors.ts";
import { QuestionProposed, RoundClosed, RoundOpened } from "../../protocol/messages.ts";
import { ATTACKER_SCHEMA_NAME, AttackerOutput } from "../../protocol/role-outputs.ts";
import type { Question } from "../../protocol/schemas.ts";

/** Turns the attacker model's output into a Question, refusing shapes the domain cannot use. */
export function toQuestion(output: AttackerOutput, pack: DomainPack, fallbackSkill: string): Question {
  const options =
    output.options.length > 0
      ? Object.fromEntries(output.options.map((o) => [o.letter.trim().toUpperCase(), o.text]))
      : undefined;
  if (pack.answerFormat === "choice" && !options)
    throw new ModelError(`attacker gave no options for the multiple-choice domain ${pack.name}`);
  if (output.solution_steps.length === 0) throw new ModelError("attacker gave no solution steps");
  if (!output.question.trim() || !output.reference_answer.trim())
    throw new ModelError("attacker gave an empty question or reference answer");
  return {
    text: output.question.trim(),
    options: pack.answerFormat === "choice" ? options : undefined,
    referenceAnswer: output.reference_answer.trim(),
    solutionSteps: output.solution_steps,
    skill: output.skill.trim() || fallbackSkill,
    hops: Math.min(10, Math.max(1, Math.round(output.hops))),
  };
}

export function createAttackerActors(context: Pick<AgentContext, "models" | "packs">) {
  return {
    generateQuestion: fromPromise<GeneratedQuestion, RoundOpened>(async ({ input, signal }) => {
      const { spec } = input;
      const pack = packFor(context, spec.domain);
      const prompt = pack.render("attacker", { skill: spec.skill, complexity: spec.complexity });
      const result = await modelFor(context, spec.attacker, "attacker").generate({
        role: "attacker",
        ...prompt,
        schemaName: ATTACKER_SCHEMA_NAME,
        schema: AttackerOutput,
        roundId: spec.roundId,
        signal,
      });
      return { question: toQuestion(result.value, pack, spec.skill) };
    }),
  };
}

export const attackerAgent = defineAgent({
  type: "attacker",
  description: "writes a multi-step question for the round's skill and complexity",
  consumes: { "round.opened": RoundOpened },
  produces: { "question.proposed": QuestionProposed, "round.closed": RoundClosed },
  create: (context) => ({
    stages: { "round.opened": attackerMachine.provide({ actors: createAttackerActors(context) }) },
  }),
});
