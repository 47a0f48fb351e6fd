import { assign, fromPromise, setup } from "xstate";
import type { AnswerSubmitted, VerdictIssued } from "../bus/messages.ts";
import type { TokenUsage, ToolEvidence, Verdict } from "../core/schemas.ts";
import type { JudgeOutput } from "../llm/role-outputs.ts";
import { closeRound, type Emission, errorText, type StageInput, type StageOutput } from "./emission.ts";

export interface JudgeConsultation {
  output: JudgeOutput;
  evidence: ToolEvidence[];
  usage: TokenUsage;
}

interface JudgeContext extends StageInput<AnswerSubmitted> {
  attempts: number;
  consultation?: JudgeConsultation;
  emit?: Emission[];
}

/**
 * Judge: consults its model (with tools where the domain offers them), then decides the verdict from the
 * evidence and the domain's answer checker - the model's opinion alone never settles validity or correctness.
 */
export const judgeMachine = setup({
  types: { input: {} as StageInput<AnswerSubmitted>, context: {} as JudgeContext, output: {} as StageOutput },
  actors: {
    consultJudge: fromPromise<JudgeConsultation, AnswerSubmitted>(async () => {
      throw new Error("consultJudge not provided");
    }),
    decideVerdict: fromPromise<Verdict, { message: AnswerSubmitted; consultation: JudgeConsultation }>(
      async () => {
        throw new Error("decideVerdict not provided");
      },
    ),
  },
  guards: { canRetry: ({ context }) => context.attempts < context.maxAttempts },
}).createMachine({
  id: "judge",
  context: ({ input }) => ({ ...input, attempts: 0 }),
  initial: "consulting",
  states: {
    consulting: {
      entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
      invoke: {
        src: "consultJudge",
        input: ({ context }) => context.message,
        onDone: { target: "deciding", actions: assign({ consultation: ({ event }) => event.output }) },
        onError: [
          { guard: "canRetry", target: "consulting", reenter: true },
          {
            target: "done",
            actions: assign({
              emit: ({ context, event }) => [
                closeRound(
                  context,
                  "judge",
                  "failed",
                  "model_error",
                  `judge model ${context.message.spec.judge} gave no usable verdict after ${context.attempts} attempts: ${errorText(event.error)}`,
                  { novelty: context.message.novelty },
                ),
              ],
            }),
          },
        ],
      },
    },
    deciding: {
      invoke: {
        src: "decideVerdict",
        input: ({ context }) => ({
          message: context.message,
          consultation: context.consultation as JudgeConsultation,
        }),
        onDone: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => {
              const { type: _, ...carried } = context.message;
              const issued: VerdictIssued = {
                ...carried,
                type: "verdict.issued.v1",
                at: context.now,
                producer: context.producer,
                usage: [
                  ...context.message.usage,
                  ...(context.consultation ? [context.consultation.usage] : []),
                ],
                verdict: event.output,
              };
              return [{ stage: "verdict.issued", message: issued }];
            },
          }),
        },
        onError: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => [
              closeRound(
                context,
                "judge",
                "failed",
                "error",
                `judge could not decide: ${errorText(event.error)}`,
                {
                  novelty: context.message.novelty,
                },
              ),
            ],
          }),
        },
      },
    },
    done: { type: "final" },
  },
  output: ({ context }) => ({ emit: context.emit ?? [] }),
});
