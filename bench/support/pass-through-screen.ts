/**
 * A plug-in that stands in for the Curator's early screening and lets every question through, so a run
 * without the early novelty gate catches duplicates only at the final acceptance check. The topology routes
 * the Attacker's `question.proposed` to `question.unscreened`, which only this agent reads.
 */
import { setup } from "xstate";
import { defineAgent } from "../../host/define-agent.ts";
import type { StageInput, StageOutput } from "../../machines/emission.ts";
import { QuestionProposed, QuestionScreened } from "../../protocol/messages.ts";

export const UNSCREENED_STAGE = "question.unscreened";
export const PASS_THROUGH_TYPE = "pass-through-screen";

const passThroughMachine = setup({
  types: {
    input: {} as StageInput<QuestionProposed>,
    context: {} as StageInput<QuestionProposed>,
    output: {} as StageOutput,
  },
}).createMachine({
  id: PASS_THROUGH_TYPE,
  context: ({ input }) => input,
  initial: "done",
  states: { done: { type: "final" } },
  output: ({ context }) => {
    const { type: _, ...carried } = context.message;
    const screened: QuestionScreened = {
      ...carried,
      type: "question.screened.v1",
      at: context.now,
      producer: context.producer,
      novelty: { maxSimilarity: 0, source: "none" },
    };
    return { emit: [{ stage: "question.screened", message: screened }] };
  },
});

export default defineAgent({
  type: PASS_THROUGH_TYPE,
  description: "passes every proposed question on unscreened (benchmark of the early novelty gate)",
  consumes: { [UNSCREENED_STAGE]: QuestionProposed },
  produces: { "question.screened": QuestionScreened },
  create: () => ({ stages: { [UNSCREENED_STAGE]: passThroughMachine } }),
});
