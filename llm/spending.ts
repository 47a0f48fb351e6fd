import type { Price } from "../config/topology.ts";
import { BudgetExceededError } from "../protocol/errors.ts";
import { costOf } from "./cost.ts";

/**
 * The run's books and budget, as a model adapter sees them. Every HTTP call reserves its worst case before it
 * is sent and is refused (BudgetExceededError) when the budget cannot cover it; when it returns, whatever became
 * of the reply, it settles what the endpoint billed and the unused part of the reserve goes back. A run thus
 * spends at most its budget plus what one call's estimate fell short by.
 */

/** What one call is charged to: a row of the books and the round it served. */
export interface CallCharge {
  /** Topology model id. */
  model: string;
  role: string;
  roundId?: string;
}

export interface Tokens {
  promptTokens: number;
  completionTokens: number;
}

export interface Reservation {
  /** Records what the endpoint billed (nothing, when no reply came) and frees the reserve. Call it once. */
  settle(billed: Tokens | undefined): Promise<void>;
}

export interface SpendLedger {
  /** A budget is set: every call must carry max_tokens, so its reserve bounds what it can cost. */
  readonly bounded: boolean;
  reserve(charge: CallCharge, worst: Tokens): Promise<Reservation>;
  /**
   * Records an answer served from the response cache: it billed nothing and spends none of the budget; `saved`
   * is what the stored answer had cost. Books that keep no such record leave it out.
   */
  recordCached?(charge: CallCharge, saved: Tokens): Promise<void>;
}

/** A run's limits; either may be absent. */
export interface Budget {
  tokens?: number;
  usd?: number;
}

export interface Spend {
  tokens: number;
  usd: number;
}

export const NO_SPEND: Spend = { tokens: 0, usd: 0 };

/** Completion tokens reserved for a call to a model with no maxTokens, and sent as its max_tokens. */
export const DEFAULT_COMPLETION_CAP = 4096;

/** A call's tokens and money at its model's price. */
export function spendOf(tokens: Tokens, price: Price | undefined): Spend {
  return { tokens: tokens.promptTokens + tokens.completionTokens, usd: costOf(tokens, price) };
}

export function addSpend(a: Spend, b: Spend): Spend {
  return { tokens: a.tokens + b.tokens, usd: a.usd + b.usd };
}

/** What is left of the budget after what was spent and what is reserved; Infinity where there is no limit. */
export function budgetLeft(budget: Budget | undefined, committed: Spend): Spend {
  return {
    tokens: budget?.tokens === undefined ? Number.POSITIVE_INFINITY : budget.tokens - committed.tokens,
    usd: budget?.usd === undefined ? Number.POSITIVE_INFINITY : budget.usd - committed.usd,
  };
}

/** Refuses a reserve the budget cannot cover, saying which limit and by how much. */
export function admitReserve(budget: Budget | undefined, committed: Spend, reserve: Spend): void {
  const left = budgetLeft(budget, committed);
  if (reserve.tokens > left.tokens) {
    throw new BudgetExceededError(
      `token budget of ${budget?.tokens} reached: ${committed.tokens} spent or reserved, and this call may take ${reserve.tokens}`,
    );
  }
  if (reserve.usd > left.usd) {
    throw new BudgetExceededError(
      `budget of $${budget?.usd} reached: $${committed.usd.toFixed(4)} spent or reserved, and this call may cost $${reserve.usd.toFixed(4)}`,
    );
  }
}

const encoder = new TextEncoder();

/**
 * A prompt's tokens, estimated from above: English, numbers and JSON run at about four bytes of UTF-8 a token
 * in common tokenizers, so three bytes a token leaves a margin, plus a few tokens of framing per message. Exact
 * counts need the model's own tokenizer, which a client of an arbitrary endpoint does not have; text that
 * tokenizes more densely can exceed the estimate, and the run then overshoots by that difference.
 */
export function estimatePromptTokens(request: { messages: readonly unknown[]; tools?: unknown }): number {
  const bytes = encoder.encode(JSON.stringify([request.messages, request.tools ?? null])).length;
  return Math.ceil(bytes / 3) + 4 * request.messages.length;
}

/**
 * Books without a budget: every call is admitted and what it was billed is recorded; an answer from the
 * response cache goes to `recordCached`, when given.
 */
export function unlimitedLedger(
  record: (charge: CallCharge, billed: Tokens) => Promise<void> = async () => {},
  recordCached?: (charge: CallCharge, saved: Tokens) => Promise<void>,
): SpendLedger {
  return {
    bounded: false,
    reserve: async (charge) => ({
      settle: async (billed) => {
        if (billed) await record(charge, billed);
      },
    }),
    ...(recordCached ? { recordCached } : {}),
  };
}
