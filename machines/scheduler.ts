import { assign, emit, enqueueActions, setup } from "xstate";
import { type AcceptedCounts, bucketsWanting, countAccepted, NO_ACCEPTED } from "../curation/mix-quota.ts";
import { type Budget, budgetLeft, NO_SPEND, type Spend } from "../llm/spending.ts";
import type { RoundClosed, RoundOpened, RunCompleted } from "../protocol/messages.ts";
import type { RoundSpec } from "../protocol/schemas.ts";
import { idempotencyKey } from "../protocol/subjects.ts";
import { closeRound, type Emission } from "./emission.ts";
import {
  initialPlan,
  nextRound,
  type PlanConfig,
  type PlanState,
  type RoundRoom,
  recordOutcome,
} from "./round-planner.ts";

export interface SchedulerInput {
  runId: string;
  producer: string;
  target: number;
  budget?: Budget;
  /** What one model call may reserve: the margin kept so that the last call of a round opened is not refused. */
  callReserve: Spend;
  concurrency: number;
  maxRounds?: number;
  roundTimeoutMs: number;
  plan: PlanConfig;
  /** The curation mix, as shares of the target; honoured when rounds are opened. */
  mix: { complexity?: Record<string, number>; domain?: Record<string, number> };
}

export type CompletionStatus = RunCompleted["status"];

export interface SchedulerContext extends SchedulerInput {
  nextSeq: number;
  accepted: AcceptedCounts;
  /** Rounds closed by status. */
  closed: Record<RoundClosed["status"], number>;
  /** What the run has spent or reserved, as the spend ledger last said. */
  spend: Spend;
  inFlight: Record<string, RoundSpec>;
  planState: PlanState;
  stopping?: { status: CompletionStatus; reason: string };
}

/** Every event carries the spend ledger's latest figure, so the machine can keep within the budget. */
export type SchedulerEvent =
  | { type: "START"; now: string; spend: Spend }
  | { type: "ROUND_CLOSED"; message: RoundClosed; now: string; spend: Spend }
  | { type: "TICK"; now: string; spend: Spend }
  | { type: "STOP"; status: CompletionStatus; reason: string; now: string };

/** What the host publishes for the scheduler; msgId makes re-publishing after a restart harmless. */
export type SchedulerEmitted = { type: "publish"; emission: Emission; msgId: string };

export function roundId(seq: number): string {
  return `r${String(seq).padStart(6, "0")}`;
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
  };
  return {
    type: "publish",
    emission: { stage: "round.opened", message },
    msgId: idempotencyKey(context.runId, spec.roundId, "round.opened"),
  };
}

/** Rounds that ran their course; cancelled ones say nothing about acceptance or cost. */
function played(context: Pick<SchedulerContext, "closed">): number {
  return context.closed.accepted + context.closed.rejected + context.closed.failed;
}

/** The share of rounds that end with a kept sample, with a prior of one in two before there is evidence. */
export function acceptRate(context: Pick<SchedulerContext, "closed">): number {
  return (context.closed.accepted + 1) / (played(context) + 2);
}

/**
 * What a round costs, from above: everything spent or reserved over the rounds that have closed (what rounds
 * in flight spent so far is counted too, as if closed rounds had spent it).
 */
function roundCost(context: SchedulerContext): Spend {
  const rounds = played(context);
  return rounds === 0 ? NO_SPEND : { tokens: context.spend.tokens / rounds, usd: context.spend.usd / rounds };
}

/**
 * Why the budget cannot pay for one more round, or undefined when it can: the new round's cost, a whole round
 * more for each round in flight, and one call's reserve, so that every round opened can finish.
 */
function budgetShortfall(context: SchedulerContext): string | undefined {
  const { budget } = context;
  if (!budget) return undefined;
  const cost = roundCost(context);
  const rounds = 1 + Object.keys(context.inFlight).length;
  const left = budgetLeft(budget, context.spend);
  if (cost.tokens * rounds + context.callReserve.tokens > left.tokens) {
    return `token budget of ${budget.tokens} reached: ${Math.round(context.spend.tokens)} spent or reserved, and a round costs about ${Math.round(cost.tokens)}`;
  }
  if (cost.usd * rounds + context.callReserve.usd > left.usd) {
    return `budget of $${budget.usd} reached: $${context.spend.usd.toFixed(4)} spent or reserved, and a round costs about $${cost.usd.toFixed(4)}`;
  }
  return undefined;
}

/** Until a round has closed nothing says what a round costs: under a budget, the first round goes alone. */
function budgetAllowsAnother(context: SchedulerContext): boolean {
  if (!context.budget) return true;
  if (played(context) === 0 && Object.keys(context.inFlight).length > 0) return false;
  return budgetShortfall(context) === undefined;
}

function countBy(specs: RoundSpec[], key: (spec: RoundSpec) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const spec of specs) counts[key(spec)] = (counts[key(spec)] ?? 0) + 1;
  return counts;
}

/** The buckets of the mix a new round may go to; with nothing in flight, any bucket rather than none. */
function roomFor(context: SchedulerContext): RoundRoom | undefined {
  const specs = Object.values(context.inFlight);
  const demand = { target: context.target, acceptRate: acceptRate(context) };
  const domains = context.plan.domains.map((d) => d.name);
  const wantedDomains = bucketsWanting(domains, {
    ...demand,
    mix: context.mix.domain,
    held: context.accepted.byDomain,
    inFlight: countBy(specs, (s) => s.domain),
  });
  const wantedComplexities = context.mix.complexity
    ? bucketsWanting(Object.keys(context.mix.complexity), {
        ...demand,
        mix: context.mix.complexity,
        held: context.accepted.byComplexity,
        inFlight: countBy(specs, (s) => String(s.complexity)),
      }).map(Number)
    : undefined;
  const full = wantedDomains.length === 0 || wantedComplexities?.length === 0;
  if (full && specs.length > 0) return undefined;
  return {
    domains: wantedDomains.length > 0 ? wantedDomains : domains,
    ...(wantedComplexities && wantedComplexities.length > 0 ? { complexities: wantedComplexities } : {}),
  };
}

/**
 * Whether another round can still be of use: the target not yet covered by what is kept plus what the rounds
 * in flight are expected to bring, the budget able to pay for it, and a bucket of the mix wanting it.
 */
function openable(context: SchedulerContext): RoundRoom | undefined {
  if (context.stopping) return undefined;
  if (context.maxRounds !== undefined && context.nextSeq >= context.maxRounds) return undefined;
  const inFlight = Object.keys(context.inFlight).length;
  if (inFlight >= context.concurrency) return undefined;
  if (context.accepted.total + acceptRate(context) * inFlight >= context.target) return undefined;
  if (!budgetAllowsAnother(context)) return undefined;
  return roomFor(context);
}

/** Why the run ends once nothing is in flight, or undefined while it goes on. */
function completion(context: SchedulerContext): { status: CompletionStatus; reason: string } | undefined {
  if (context.stopping) return context.stopping;
  if (context.accepted.total >= context.target) {
    return { status: "target_reached", reason: `accepted ${context.accepted.total} of ${context.target}` };
  }
  if (context.maxRounds !== undefined && context.nextSeq >= context.maxRounds) {
    return { status: "max_rounds", reason: `reached max rounds (${context.maxRounds})` };
  }
  const shortfall = budgetShortfall(context);
  return shortfall ? { status: "budget", reason: shortfall } : undefined;
}

/**
 * Why no round will be opened again, whatever the rounds in flight bring (the run only finishes what it
 * started), or undefined while it may open more.
 */
export function drainingFor(
  context: SchedulerContext,
): { status: CompletionStatus; reason: string } | undefined {
  return completion({ ...context, inFlight: {} });
}

const spendOfEvent = (event: SchedulerEvent): Spend | undefined =>
  "spend" in event ? event.spend : undefined;

/**
 * The round scheduler of one run: keeps up to `concurrency` rounds in flight but no more than the target, the
 * mix and the budget can use, plans each round's pairing, domain, skill and complexity, counts closed rounds,
 * closes rounds that exceed their deadline, and completes the run when nothing is in flight and nothing more
 * can be opened.
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
      Object.keys(context.inFlight).length === 0 && completion(context) !== undefined,
  },
  actions: {
    noteSpend: assign({ spend: ({ context, event }) => spendOfEvent(event) ?? context.spend }),
    fill: enqueueActions(({ context, event, enqueue }) => {
      const now = "now" in event ? event.now : new Date(0).toISOString();
      let draft = context;
      for (let room = openable(draft); room; room = openable(draft)) {
        const planned = nextRound(draft.plan, draft.planState, draft.nextSeq, room);
        const spec: RoundSpec = {
          runId: draft.runId,
          roundId: roundId(draft.nextSeq),
          seq: draft.nextSeq,
          openedAt: now,
          ...planned.round,
        };
        draft = {
          ...draft,
          nextSeq: draft.nextSeq + 1,
          planState: planned.state,
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
      // A call the spend ledger refused means the budget is spent, whatever the scheduler's estimate said.
      const refused = message.reasonCode === "budget" && !context.stopping;
      return {
        inFlight,
        ...(refused
          ? {
              stopping: {
                status: "budget" as const,
                reason: message.reason.replace(/^round cancelled: /, ""),
              },
            }
          : {}),
        accepted:
          message.status === "accepted" ? countAccepted(context.accepted, message.spec) : context.accepted,
        closed: { ...context.closed, [message.status]: context.closed[message.status] + 1 },
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
            message: { runId: context.runId, spec },
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
      const ending = completion(context) ?? { status: "stopped" as const, reason: "stopped" };
      const message: RunCompleted = {
        type: "run.completed.v1",
        runId: context.runId,
        at: "now" in event ? event.now : new Date(0).toISOString(),
        producer: context.producer,
        status: ending.status,
        reason: ending.reason,
        accepted: context.accepted.total,
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
    accepted: NO_ACCEPTED,
    closed: { accepted: 0, rejected: 0, failed: 0, cancelled: 0 },
    spend: NO_SPEND,
    inFlight: {},
    planState: initialPlan(input.plan),
  }),
  initial: "idle",
  states: {
    idle: { on: { START: { target: "running", actions: ["noteSpend", "fill"] } } },
    running: {
      always: { guard: "finished", target: "completed" },
      on: {
        ROUND_CLOSED: { actions: ["noteSpend", "recordClosed", "fill"] },
        TICK: { actions: ["noteSpend", "expireRounds", "fill"] },
        STOP: {
          actions: assign({ stopping: ({ event }) => ({ status: event.status, reason: event.reason }) }),
        },
      },
    },
    completed: { type: "final", entry: "complete" },
  },
});
