import { assign, fromPromise, setup } from "xstate";
import type { BlindDerivation } from "../domains/verdict.ts";
import { worthAnotherAttempt } from "../protocol/errors.ts";
import type { AnswerSubmitted, VerdictIssued } from "../protocol/messages.ts";
import type { JudgeGrading } from "../protocol/role-outputs.ts";
import type { Verdict } from "../protocol/schemas.ts";
import {
  cancelForBudget,
  closeRound,
  type Emission,
  errorText,
  refusedByBudget,
  type StageInput,
  type StageOutput,
} from "./emission.ts";

/** The blind phase's result: what the Judge derived from the question alone, and whether it upholds the reference. */
export interface JudgeVerification {
  blind: BlindDerivation;
  /** The derivation confirms the reference and nothing else disqualifies the question: grade it. */
  worthGrading: boolean;
}

export interface JudgeGrade {
  grading: JudgeGrading;
}

export interface VerdictFacts {
  message: AnswerSubmitted;
  verification: JudgeVerification;
  grade?: JudgeGrade;
}

interface JudgeContext extends StageInput<AnswerSubmitted> {
  attempts: number;
  verification?: JudgeVerification;
  grade?: JudgeGrade;
  emit?: Emission[];
}

/**
 * Judge: first derives the answer blind (the question alone, with tools), then grades the reference solution
 * only when that derivation upholds the reference, then decides the verdict from the evidence and the domain's
 * answer checker - the model's opinion alone never settles validity or correctness, and the Defender's text
 * never reaches the Judge model.
 */
export const judgeMachine = setup({
  types: { input: {} as StageInput<AnswerSubmitted>, context: {} as JudgeContext, output: {} as StageOutput },
  actors: {
    deriveAnswer: fromPromise<JudgeVerification, AnswerSubmitted>(async () => {
      throw new Error("deriveAnswer not provided");
    }),
    gradeSolution: fromPromise<JudgeGrade, { message: AnswerSubmitted; verification: JudgeVerification }>(
      async () => {
        throw new Error("gradeSolution not provided");
      },
    ),
    decideVerdict: fromPromise<Verdict, VerdictFacts>(async () => {
      throw new Error("decideVerdict not provided");
    }),
  },
  guards: {
    canRetry: ({ context, event }) =>
      context.attempts < context.maxAttempts && "error" in event && worthAnotherAttempt(event.error),
    worthGrading: ({ context }) => context.verification?.worthGrading === true,
    refusedByBudget: ({ event }) => "error" in event && refusedByBudget(event.error),
  },
  actions: {
    cancelForBudget: assign({
      emit: ({ context, event }) => [
        cancelForBudget(context, "judge", "error" in event ? event.error : event),
      ],
    }),
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    resetAttempts: assign({ attempts: 0 }),
  },
}).createMachine({
  id: "judge",
  context: ({ input }) => ({ ...input, attempts: 0 }),
  initial: "deriving",
  states: {
    deriving: {
      entry: "countAttempt",
      invoke: {
        src: "deriveAnswer",
        input: ({ context }) => context.message,
        onDone: {
          target: "derived",
          actions: assign({ verification: ({ event }) => event.output }),
        },
        onError: [
          { guard: "refusedByBudget", target: "done", actions: "cancelForBudget" },
          { guard: "canRetry", target: "deriving", reenter: true },
          {
            target: "done",
            actions: assign({ emit: ({ context, event }) => [modelFailed(context, event.error)] }),
          },
        ],
      },
    },
    derived: {
      always: [
        { guard: "worthGrading", target: "grading", actions: "resetAttempts" },
        { target: "deciding" },
      ],
    },
    grading: {
      entry: "countAttempt",
      invoke: {
        src: "gradeSolution",
        input: ({ context }) => ({
          message: context.message,
          verification: context.verification as JudgeVerification,
        }),
        onDone: { target: "deciding", actions: assign({ grade: ({ event }) => event.output }) },
        onError: [
          { guard: "refusedByBudget", target: "done", actions: "cancelForBudget" },
          { guard: "canRetry", target: "grading", reenter: true },
          {
            target: "done",
            actions: assign({ emit: ({ context, event }) => [modelFailed(context, event.error)] }),
          },
        ],
      },
    },
    deciding: {
      invoke: {
        src: "decideVerdict",
        input: ({ context }) => ({
          message: context.message,
          verification: context.verification as JudgeVerification,
          ...(context.grade ? { grade: context.grade } : {}),
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

function modelFailed(context: JudgeContext, error: unknown): Emission {
  const phase = context.verification ? "grade the reference solution" : "derive the answer";
  return closeRound(
    context,
    "judge",
    "failed",
    "model_error",
    `judge model ${context.message.spec.judge} could not ${phase} after ${context.attempts} attempts: ${errorText(error)}`,
    { novelty: context.message.novelty },
  );
}
