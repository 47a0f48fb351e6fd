import { assign, fromPromise, setup } from "xstate";
import type {
  QuestionProposed,
  QuestionScreened,
  RejectionReason,
  VerdictIssued,
} from "../protocol/messages.ts";
import type { NoveltyReport, Sample } from "../protocol/schemas.ts";
import { closeRound, type Emission, errorText, type StageInput, type StageOutput } from "./emission.ts";

export interface ScreenResult {
  passed: boolean;
  reasonCode?: "duplicate" | "contaminated";
  reason: string;
  novelty: NoveltyReport;
}

export interface PolicyDecision {
  accept: boolean;
  reasonCode?: RejectionReason;
  reason: string;
}

export interface CommitResult {
  /** False when the item stopped being novel (a near-duplicate was kept first). */
  committed: boolean;
  reasonCode?: RejectionReason;
  reason: string;
  sample?: Sample;
}

interface ScreeningContext extends StageInput<QuestionProposed> {
  emit?: Emission[];
}

/** Curator gate 1: a duplicate or contaminated question dies here, before Defender and Judge spend tokens. */
export const screeningMachine = setup({
  types: {
    input: {} as StageInput<QuestionProposed>,
    context: {} as ScreeningContext,
    output: {} as StageOutput,
  },
  actors: {
    screenQuestion: fromPromise<ScreenResult, QuestionProposed>(async () => {
      throw new Error("screenQuestion not provided");
    }),
  },
}).createMachine({
  id: "curator-screening",
  context: ({ input }) => input,
  initial: "screening",
  states: {
    screening: {
      invoke: {
        src: "screenQuestion",
        input: ({ context }) => context.message,
        onDone: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => {
              const result = event.output;
              if (!result.passed) {
                return [
                  closeRound(
                    context,
                    "curator",
                    "rejected",
                    result.reasonCode ?? "duplicate",
                    result.reason,
                    { novelty: result.novelty },
                  ),
                ];
              }
              const { type: _, ...carried } = context.message;
              const screened: QuestionScreened = {
                ...carried,
                type: "question.screened.v1",
                at: context.now,
                producer: context.producer,
                novelty: result.novelty,
              };
              return [{ stage: "question.screened", message: screened }];
            },
          }),
        },
        onError: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => [
              closeRound(
                context,
                "curator",
                "failed",
                "error",
                `screening failed: ${errorText(event.error)}`,
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

/** What a rejected round's release needs: the round, and why it was rejected. */
export interface ReleaseInput {
  message: VerdictIssued;
  decision?: PolicyDecision;
}

interface AcceptanceContext extends StageInput<VerdictIssued> {
  decision?: PolicyDecision;
  emit?: Emission[];
}

/**
 * Curator gate 2: the curation policy, then an idempotent commit. A judged sample the policy keeps is kept
 * whatever the run's target or budget: it was paid in full.
 */
export const acceptanceMachine = setup({
  types: {
    input: {} as StageInput<VerdictIssued>,
    context: {} as AcceptanceContext,
    output: {} as StageOutput,
  },
  actors: {
    applyPolicy: fromPromise<PolicyDecision, VerdictIssued>(async () => {
      throw new Error("applyPolicy not provided");
    }),
    commitSample: fromPromise<CommitResult, VerdictIssued>(async () => {
      throw new Error("commitSample not provided");
    }),
    releaseQuestion: fromPromise<void, ReleaseInput>(async () => {
      throw new Error("releaseQuestion not provided");
    }),
  },
}).createMachine({
  id: "curator-acceptance",
  context: ({ input }) => input,
  initial: "applyingPolicy",
  states: {
    applyingPolicy: {
      invoke: {
        src: "applyPolicy",
        input: ({ context }) => context.message,
        onDone: [
          {
            guard: ({ event }) => event.output.accept,
            target: "committing",
            actions: assign({ decision: ({ event }) => event.output }),
          },
          { target: "releasing", actions: assign({ decision: ({ event }) => event.output }) },
        ],
        onError: {
          target: "releasing",
          actions: assign({
            decision: ({ event }) => ({
              accept: false,
              reasonCode: "error" as const,
              reason: `policy failed: ${errorText(event.error)}`,
            }),
          }),
        },
      },
    },
    committing: {
      invoke: {
        src: "commitSample",
        input: ({ context }) => context.message,
        onDone: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => {
              const { message } = context;
              const result = event.output;
              const extra = { verdict: message.verdict, novelty: message.novelty, sample: result.sample };
              return result.committed
                ? [closeRound(context, "curator", "accepted", undefined, result.reason, extra)]
                : [
                    closeRound(
                      context,
                      "curator",
                      "rejected",
                      result.reasonCode ?? "duplicate",
                      result.reason,
                      extra,
                    ),
                  ];
            },
          }),
        },
        onError: {
          target: "done",
          actions: assign({
            emit: ({ context, event }) => [
              closeRound(context, "curator", "failed", "error", `commit failed: ${errorText(event.error)}`, {
                verdict: context.message.verdict,
              }),
            ],
          }),
        },
      },
    },
    releasing: {
      invoke: {
        src: "releaseQuestion",
        input: ({ context }) => ({ message: context.message, decision: context.decision }),
        onDone: { target: "rejected" },
        onError: { target: "rejected" },
      },
    },
    rejected: {
      always: {
        target: "done",
        actions: assign({
          emit: ({ context }) => [
            closeRound(
              context,
              "curator",
              "rejected",
              context.decision?.reasonCode ?? "error",
              context.decision?.reason ?? "rejected",
              {
                verdict: context.message.verdict,
                novelty: context.message.novelty,
              },
            ),
          ],
        }),
      },
    },
    done: { type: "final" },
  },
  output: ({ context }) => ({ emit: context.emit ?? [] }),
});
