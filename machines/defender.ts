import { assign, fromPromise, setup } from "xstate";
import { worthAnotherAttempt } from "../protocol/errors.ts";
import type { AnswerSubmitted, QuestionScreened } from "../protocol/messages.ts";
import type { Answer } from "../protocol/schemas.ts";
import {
  cancelForBudget,
  closeRound,
  type Emission,
  errorText,
  refusedByBudget,
  type StageInput,
  type StageOutput,
} from "./emission.ts";

export interface GivenAnswer {
  answer: Answer;
}

interface DefenderContext extends StageInput<QuestionScreened> {
  attempts: number;
  emit?: Emission[];
}

/** Defender: answers the screened question with its reasoning; retries an unusable answer. */
export const defenderMachine = setup({
  types: {
    input: {} as StageInput<QuestionScreened>,
    context: {} as DefenderContext,
    output: {} as StageOutput,
  },
  actors: {
    answerQuestion: fromPromise<GivenAnswer, QuestionScreened>(async () => {
      throw new Error("answerQuestion not provided");
    }),
  },
  guards: {
    canRetry: ({ context, event }) =>
      context.attempts < context.maxAttempts && "error" in event && worthAnotherAttempt(event.error),
  },
}).createMachine({
  id: "defender",
  context: ({ input }) => ({ ...input, attempts: 0 }),
  initial: "answering",
  states: {
    answering: {
      entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
      invoke: {
        src: "answerQuestion",
        input: ({ context }) => context.message,
        onDone: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => {
              const { type: _, ...carried } = context.message;
              const submitted: AnswerSubmitted = {
                ...carried,
                type: "answer.submitted.v1",
                at: context.now,
                producer: context.producer,
                answer: event.output.answer,
              };
              return [{ stage: "answer.submitted", message: submitted }];
            },
          }),
        },
        onError: [
          {
            guard: ({ event }) => refusedByBudget(event.error),
            target: "done",
            actions: assign({
              emit: ({ context, event }) => [cancelForBudget(context, "defender", event.error)],
            }),
          },
          { guard: "canRetry", target: "answering", reenter: true },
          {
            target: "done",
            actions: assign({
              emit: ({ context, event }) => [
                closeRound(
                  context,
                  "defender",
                  "failed",
                  "model_error",
                  `defender model ${context.message.spec.defender} gave no usable answer after ${context.attempts} attempts: ${errorText(event.error)}`,
                  { novelty: context.message.novelty },
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
