import { randomUUID } from "node:crypto";
import type { KV } from "@nats-io/kv";
import { z } from "zod";
import type { Price } from "../config/topology.ts";
import {
  addSpend,
  admitReserve,
  type Budget,
  type CallCharge,
  NO_SPEND,
  type Reservation,
  type Spend,
  type SpendLedger,
  spendOf,
  type Tokens,
} from "../llm/spending.ts";
import { UsageRecorded } from "../protocol/messages.ts";
import { stateKeys } from "../protocol/subjects.ts";
import type { Bus } from "./bus.ts";
import { KvDocument } from "./kv-document.ts";

/**
 * The run's books and budget on the bus, shared by every process of the run. Each billed call is a
 * `usage.recorded` event on the run's stream (the books: by model, role and round). Under a budget, each call
 * also reserves its worst case in one KV document with compare-and-set, so processes on any host see each
 * other's reservations before they spend, and settles what it was billed when it returns.
 */

const SpendFigure = z.object({ tokens: z.number().nonnegative(), usd: z.number().nonnegative() });

const SpendDocument = z.object({
  spent: SpendFigure,
  /** Reservation id -> its worst case, until a time after which a holder that died no longer holds it. */
  reserved: z.record(z.string(), SpendFigure.extend({ until: z.number() })),
});
type SpendDocument = z.infer<typeof SpendDocument>;

/** A reservation outlives any call (timeouts are minutes); past this, its holder is taken to have died. */
const RESERVATION_LEASE_MS = 30 * 60_000;

/** What a document commits: spent plus the reservations still held. */
function committed(document: SpendDocument, now: number): Spend {
  return Object.values(document.reserved)
    .filter((r) => r.until > now)
    .reduce(addSpend, document.spent);
}

function withoutReservation(document: SpendDocument, id: string): SpendDocument["reserved"] {
  const { [id]: _, ...rest } = document.reserved;
  return rest;
}

export interface RunSpendLedgerOptions {
  bus: Bus;
  runId: string;
  budget?: Budget;
  /** USD per million tokens by topology model id. */
  prices: ReadonlyMap<string, Price | undefined>;
}

export class RunSpendLedger implements SpendLedger {
  readonly bounded: boolean;
  readonly #options: RunSpendLedgerOptions;
  readonly #document: KvDocument<SpendDocument>;

  constructor(options: RunSpendLedgerOptions) {
    this.#options = options;
    this.bounded = options.budget?.tokens !== undefined || options.budget?.usd !== undefined;
    this.#document = openSpendDocument(options.bus.state, options.runId);
  }

  async reserve(charge: CallCharge, worst: Tokens): Promise<Reservation> {
    const price = this.#options.prices.get(charge.model);
    if (!this.bounded) return { settle: (billed) => this.#record(charge, billed, price) };
    const id = randomUUID();
    const reserve = spendOf(worst, price);
    await this.#document.change((document) => {
      if (id in document.reserved) return { result: undefined };
      admitReserve(this.#options.budget, committed(document, Date.now()), reserve);
      const held = { ...reserve, until: Date.now() + RESERVATION_LEASE_MS };
      return { next: { ...document, reserved: { ...document.reserved, [id]: held } }, result: undefined };
    });
    return {
      settle: async (billed) => {
        const spent = billed ? spendOf(billed, price) : NO_SPEND;
        // Idempotent: a settle whose write was acknowledged unseen finds its reservation gone and adds nothing.
        await this.#document.change((document) =>
          id in document.reserved
            ? {
                next: { spent: addSpend(document.spent, spent), reserved: withoutReservation(document, id) },
                result: undefined,
              }
            : { result: undefined },
        );
        await this.#record(charge, billed, price);
      },
    };
  }

  /**
   * An answer served from the response cache: a `usage.recorded` event that bills nothing and says what the
   * answer had cost (`saved`). It reserves and spends none of the budget.
   */
  async recordCached(charge: CallCharge, saved: Tokens): Promise<void> {
    const price = this.#options.prices.get(charge.model);
    await this.#publish(
      charge,
      { promptTokens: 0, completionTokens: 0, ...(price ? { costUsd: 0 } : {}) },
      {
        cached: { ...saved, ...(price ? { costUsd: spendOf(saved, price).usd } : {}) },
      },
    );
  }

  async #record(charge: CallCharge, billed: Tokens | undefined, price: Price | undefined): Promise<void> {
    if (!billed) return;
    await this.#publish(charge, { ...billed, ...(price ? { costUsd: spendOf(billed, price).usd } : {}) });
  }

  async #publish(
    charge: CallCharge,
    billed: Pick<UsageRecorded, "promptTokens" | "completionTokens" | "costUsd">,
    extra: Pick<UsageRecorded, "cached"> = {},
  ): Promise<void> {
    const { bus, runId } = this.#options;
    const event: UsageRecorded = {
      type: "usage.recorded.v1",
      runId,
      at: new Date().toISOString(),
      producer: bus.producer,
      ...charge,
      ...billed,
      ...extra,
    };
    await bus.publish(runId, "usage.recorded", UsageRecorded, event, `${runId}:usage:${randomUUID()}`);
  }
}

function openSpendDocument(kv: KV, runId: string): KvDocument<SpendDocument> {
  return new KvDocument(
    kv,
    stateKeys.spend(runId),
    SpendDocument,
    { spent: NO_SPEND, reserved: {} },
    `spend ledger of run ${runId}`,
  );
}

/** What the run has spent or reserved so far, as every process sees it: what a scheduler keeps within budget. */
export async function committedSpend(kv: KV, runId: string): Promise<Spend> {
  return committed(await openSpendDocument(kv, runId).read(), Date.now());
}
