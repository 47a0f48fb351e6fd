import { assign, fromPromise, setup } from "xstate";
import { worthAnotherAttempt } from "../protocol/errors.ts";
import type { QuestionProposed, RoundOpened } from "../protocol/messages.ts";
import type { Question } from "../protocol/schemas.ts";
import {
  cancelForBudget,
  closeRound,
  type Emission,
  errorText,
  refusedByBudget,
  type StageInput,
  type StageOutput,
} from "./emission.ts";

export interface GeneratedQuestion {
  question: Question;
}

interface AttackerContext extends StageInput<RoundOpened> {
  attempts: number;
  lastError?: string;
  emit?: Emission[];
}

/** Attacker: asks its model for a question aimed at the round's skill and complexity; retries an unusable one. */
export const attackerMachine = setup({
  types: { input: {} as StageInput<RoundOpened>, context: {} as AttackerContext, output: {} as StageOutput },
  actors: {
    generateQuestion: fromPromise<GeneratedQuestion, RoundOpened>(async () => {
      throw new Error("generateQuestion not provided");
    }),
  },
  guards: {
    canRetry: ({ context, event }) =>
      context.attempts < context.maxAttempts && "error" in event && worthAnotherAttempt(event.error),
  },
}).createMachine({
  id: "attacker",
  context: ({ input }) => ({ ...input, attempts: 0 }),
  initial: "generating",
  states: {
    generating: {
      entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
      invoke: {
        src: "generateQuestion",
        input: ({ context }) => context.message,
        onDone: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => {
              const proposed: QuestionProposed = {
                type: "question.proposed.v1",
                runId: context.message.runId,
                at: context.now,
                producer: context.producer,
                spec: context.message.spec,
                question: event.output.question,
              };
              return [{ stage: "question.proposed", message: proposed }];
            },
          }),
        },
        onError: [
          {
            guard: ({ event }) => refusedByBudget(event.error),
            target: "done",
            actions: assign({
              emit: ({ context, event }) => [cancelForBudget(context, "attacker", event.error)],
            }),
          },
          {
            guard: "canRetry",
            target: "generating",
            reenter: true,
            actions: assign({ lastError: ({ event }) => errorText(event.error) }),
          },
          {
            target: "done",
            actions: assign({
              emit: ({ context, event }) => [
                closeRound(
                  context,
                  "attacker",
                  "failed",
                  "model_error",
                  `attacker model ${context.message.spec.attacker} gave no usable question after ${context.attempts} attempts: ${errorText(event.error)}`,
                ),
              ],
            }),
          },
        ],
      },
    },
    done: { type: "final" },
  },
  output: ({ context }) => ({ emit: context.emit ?? [] }),
});
