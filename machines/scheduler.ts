import { assign, emit, enqueueActions, setup } from "xstate";
import type { RoundClosed, RoundOpened, RunCompleted } from "../bus/messages.ts";
import { idempotencyKey } from "../bus/subjects.ts";
import type { RoundSpec } from "../core/schemas.ts";
import { closeRound, type Emission } from "./emission.ts";
import { initialPlan, nextRound, type PlanConfig, type PlanState, recordOutcome } from "./round-planner.ts";

export interface Budget {
  tokens?: number;
  usd?: number;
}

export interface SchedulerInput {
  runId: string;
  producer: string;
  target: number;
  budget?: Budget;
  /** USD per million input and output tokens, by model id; models without a price cost nothing. */
  prices: Record<string, { inputPerMTok: number; outputPerMTok: number }>;
  concurrency: number;
  maxRounds?: number;
  roundTimeoutMs: number;
  plan: PlanConfig;
}

export type CompletionStatus = RunCompleted["status"];

export interface SchedulerContext extends SchedulerInput {
  nextSeq: number;
  accepted: number;
  rejected: number;
  failed: number;
  tokens: number;
  usd: number;
  inFlight: Record<string, RoundSpec>;
  planState: PlanState;
  stopping?: { status: CompletionStatus; reason: string };
}

export type SchedulerEvent =
  | { type: "START"; now: string }
  | { type: "ROUND_CLOSED"; message: RoundClosed; now: string }
  | { type: "TICK"; now: string }
  | { type: "STOP"; status: CompletionStatus; reason: string; now: string };

/** What the host publishes for the scheduler; msgId makes re-publishing after a restart harmless. */
export type SchedulerEmitted = { type: "publish"; emission: Emission; msgId: string };

export function roundId(seq: number): string {
  return `r${String(seq).padStart(6, "0")}`;
}

function openRound(context: SchedulerContext, now: string): { spec: RoundSpec; planState: PlanState } {
  const planned = nextRound(context.plan, context.planState, context.nextSeq);
  const spec: RoundSpec = {
    runId: context.runId,
    roundId: roundId(context.nextSeq),
    seq: context.nextSeq,
    openedAt: now,
    ...planned.round,
  };
  return { spec, planState: planned.state };
}

export function openedEmission(
  context: Pick<SchedulerContext, "runId" | "producer">,
  spec: RoundSpec,
  now: string,
): SchedulerEmitted {
  const message: RoundOpened = {
    type: "round.opened.v1",
    runId: context.runId,
    at: now,
    producer: context.producer,
    spec,
    usage: [],
  };
  return {
    type: "publish",
    emission: { stage: "round.opened", message },
    msgId: idempotencyKey(context.runId, spec.roundId, "round.opened"),
  };
}

/** Tokens and money a closed round spent, from the usage every stage appended to it. */
function spendOf(message: RoundClosed, prices: SchedulerInput["prices"]): { tokens: number; usd: number } {
  let tokens = 0;
  let usd = 0;
  for (const u of message.usage) {
    tokens += u.promptTokens + u.completionTokens;
    const price = prices[u.model];
    if (price) usd += (u.promptTokens * price.inputPerMTok + u.completionTokens * price.outputPerMTok) / 1e6;
  }
  return { tokens, usd };
}

function budgetExceeded(context: Pick<SchedulerContext, "budget" | "tokens" | "usd">): string | undefined {
  const { budget } = context;
  if (budget?.tokens !== undefined && context.tokens >= budget.tokens)
    return `token budget of ${budget.tokens} reached (${context.tokens} used)`;
  if (budget?.usd !== undefined && context.usd >= budget.usd)
    return `budget of $${budget.usd} reached ($${context.usd.toFixed(4)} spent)`;
  return undefined;
}

function canOpen(context: SchedulerContext): boolean {
  if (context.stopping || context.accepted >= context.target) return false;
  if (context.maxRounds !== undefined && context.nextSeq >= context.maxRounds) return false;
  return Object.keys(context.inFlight).length < context.concurrency;
}

/**
 * The round scheduler of one run: keeps up to `concurrency` rounds in flight, plans each round's pairing,
 * domain, skill and complexity, counts closed rounds, closes rounds that exceed their deadline, and completes
 * the run when the target is reached (or it is stopped) and nothing is left in flight.
 */
export const schedulerMachine = setup({
  types: {
    input: {} as SchedulerInput,
    context: {} as SchedulerContext,
    events: {} as SchedulerEvent,
    emitted: {} as SchedulerEmitted,
  },
  guards: {
    finished: ({ context }) =>
      Object.keys(context.inFlight).length === 0 &&
      (context.stopping !== undefined ||
        context.accepted >= context.target ||
        (context.maxRounds !== undefined && context.nextSeq >= context.maxRounds)),
  },
  actions: {
    fill: enqueueActions(({ context, event, enqueue }) => {
      const now = "now" in event ? event.now : new Date(0).toISOString();
      let draft = context;
      while (canOpen(draft)) {
        const { spec, planState } = openRound(draft, now);
        draft = {
          ...draft,
          nextSeq: draft.nextSeq + 1,
          planState,
          inFlight: { ...draft.inFlight, [spec.roundId]: spec },
        };
        enqueue(emit(openedEmission(context, spec, now)));
      }
      enqueue(assign({ nextSeq: draft.nextSeq, planState: draft.planState, inFlight: draft.inFlight }));
    }),
    recordClosed: assign(({ context, event }) => {
      if (event.type !== "ROUND_CLOSED") return {};
      const { message } = event;
      if (!(message.spec.roundId in context.inFlight)) return {};
      const { [message.spec.roundId]: _, ...inFlight } = context.inFlight;
      const spent = spendOf(message, context.prices);
      const tokens = context.tokens + spent.tokens;
      const usd = context.usd + spent.usd;
      const overBudget = context.stopping
        ? undefined
        : budgetExceeded({ budget: context.budget, tokens, usd });
      return {
        inFlight,
        tokens,
        usd,
        ...(overBudget ? { stopping: { status: "budget" as const, reason: overBudget } } : {}),
        accepted: context.accepted + (message.status === "accepted" ? 1 : 0),
        rejected: context.rejected + (message.status === "rejected" ? 1 : 0),
        failed: context.failed + (message.status === "failed" ? 1 : 0),
        planState: recordOutcome(context.plan, context.planState, message),
      };
    }),
    expireRounds: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "TICK") return;
      const now = Date.parse(event.now);
      for (const spec of Object.values(context.inFlight)) {
        if (Date.parse(spec.openedAt) + context.roundTimeoutMs > now) continue;
        const closing = closeRound(
          {
            message: { runId: context.runId, spec, usage: [] },
            now: event.now,
            producer: context.producer,
            maxAttempts: 0,
          },
          "scheduler",
          "failed",
          "timeout",
          `round exceeded its ${context.roundTimeoutMs} ms deadline`,
        );
        enqueue(
          emit({
            type: "publish" as const,
            emission: closing,
            msgId: idempotencyKey(context.runId, spec.roundId, "round.closed"),
          }),
        );
      }
    }),
    complete: emit(({ context, event }) => {
      const status: CompletionStatus =
        context.stopping?.status ?? (context.accepted >= context.target ? "target_reached" : "max_rounds");
      const reason =
        context.stopping?.reason ??
        (status === "target_reached"
          ? `accepted ${context.accepted} of ${context.target}`
          : `reached max rounds (${context.maxRounds})`);
      const message: RunCompleted = {
        type: "run.completed.v1",
        runId: context.runId,
        at: "now" in event ? event.now : new Date(0).toISOString(),
        producer: context.producer,
        status,
        reason,
        accepted: context.accepted,
        rounds: context.nextSeq,
      };
      return {
        type: "publish" as const,
        emission: { stage: "run.completed", message },
        msgId: `${context.runId}:completed`,
      };
    }),
  },
}).createMachine({
  id: "scheduler",
  context: ({ input }) => ({
    ...input,
    nextSeq: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    tokens: 0,
    usd: 0,
    inFlight: {},
    planState: initialPlan(input.plan),
  }),
  initial: "idle",
  states: {
    idle: { on: { START: { target: "running", actions: "fill" } } },
    running: {
      always: { guard: "finished", target: "completed" },
      on: {
        ROUND_CLOSED: { actions: ["recordClosed", "fill"] },
        TICK: { actions: ["expireRounds", "fill"] },
        STOP: {
          actions: assign({ stopping: ({ event }) => ({ status: event.status, reason: event.reason }) }),
        },
      },
    },
    completed: { type: "final", entry: "complete" },
  },
});
