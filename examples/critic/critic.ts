/**
 * An example plug-in agent: a second-opinion critic that sits between the Judge and the Curator.
 * It re-reads each verdict and vetoes items whose worked solution is too thin for the reasoning hops the
 * question claims - the kind of item a model-graded rubric sometimes waves through. Everything else passes on,
 * unchanged, to the stage the Curator is told to read (`verdict.reviewed`).
 */

import {
  closeRound,
  defineAgent,
  type Emission,
  RoundClosed,
  type StageInput,
  type StageOutput,
  VerdictIssued,
} from "nanoflux";
import { assign, fromPromise, setup } from "xstate";
import { z } from "zod";

export const CriticOptions = z.object({
  /** Solution steps required per claimed reasoning hop. */
  minStepsPerHop: z.number().positive().default(1),
});
export type CriticOptions = z.infer<typeof CriticOptions>;

export interface Review {
  approve: boolean;
  reason: string;
}

/** The critic's rule, pure so it is easy to test. */
export function reviewSolution(message: VerdictIssued, options: CriticOptions): Review {
  const { hops, solutionSteps } = message.question;
  const needed = Math.ceil(hops * options.minStepsPerHop);
  return solutionSteps.length >= needed
    ? { approve: true, reason: `solution has ${solutionSteps.length} steps for ${hops} hops` }
    : {
        approve: false,
        reason: `critic: solution has ${solutionSteps.length} steps but the question claims ${hops} hops (needs ${needed})`,
      };
}

type CriticInput = StageInput<VerdictIssued>;

export const criticMachine = setup({
  types: {
    input: {} as CriticInput,
    context: {} as CriticInput & { emit?: Emission[] },
    output: {} as StageOutput,
  },
  actors: {
    review: fromPromise<Review, VerdictIssued>(async () => {
      throw new Error("review not provided");
    }),
  },
}).createMachine({
  id: "critic",
  context: ({ input }) => input,
  initial: "reviewing",
  states: {
    reviewing: {
      invoke: {
        src: "review",
        input: ({ context }) => context.message,
        onDone: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) =>
              event.output.approve
                ? [
                    {
                      stage: "verdict.reviewed",
                      message: { ...context.message, at: context.now, producer: context.producer },
                    },
                  ]
                : [
                    closeRound(context, "critic", "rejected", "quality_band", event.output.reason, {
                      verdict: context.message.verdict,
                    }),
                  ],
          }),
        },
        onError: {
          target: "done",
          actions: assign({
            emit: ({ context }) => [closeRound(context, "critic", "failed", "error", "critic failed")],
          }),
        },
      },
    },
    done: { type: "final" },
  },
  output: ({ context }) => ({ emit: context.emit ?? [] }),
});

export const criticAgent = defineAgent({
  type: "critic",
  description:
    "second opinion between Judge and Curator: vetoes items whose solution is thinner than their hop count",
  options: CriticOptions,
  consumes: { "verdict.issued": VerdictIssued },
  produces: { "verdict.reviewed": VerdictIssued, "round.closed": RoundClosed },
  create: (context) => ({
    stages: {
      "verdict.issued": criticMachine.provide({
        actors: {
          review: fromPromise<Review, VerdictIssued>(async ({ input }) =>
            reviewSolution(input, context.options),
          ),
        },
      }),
    },
  }),
});

export default criticAgent;
