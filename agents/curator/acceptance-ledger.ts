import type { KV } from "@nats-io/kv";
import { z } from "zod";
import { stateKeys } from "../../bus/subjects.ts";
import { errorMessage } from "../../core/errors.ts";
import type { AcceptedCounts } from "../../curation/policy.ts";
import { SerialQueue } from "../../curation/serial-queue.ts";
import { backoffDelayMs } from "../../llm/retry-policy.ts";

const Ledger = z.object({
  rounds: z.array(z.object({ roundId: z.string(), complexity: z.number().int(), domain: z.string() })),
});
type Ledger = z.infer<typeof Ledger>;

export type Claim = { claimed: true; counts: AcceptedCounts } | { claimed: false; reason: "target_reached" };

/** Looks at the ledger and says what to write instead (nothing, when it is fine as it is) and what to answer. */
type LedgerChange<T> = (ledger: Ledger) => { next?: Ledger; result: T };

export interface Standing {
  counts: AcceptedCounts;
  /** The round is already in the ledger: a redelivery of a round this or another replica accepted. */
  claimed: boolean;
}

const MAX_CAS_ATTEMPTS = 50;
const OUTAGE_PATIENCE_MS = 60_000;
const OUTAGE_BACKOFF = { baseDelayMs: 100, maxDelayMs: 2000 };
const TRANSIENT = /timeout|timed out|no responders|disconnect|reconnect/i;

/**
 * Claims made in one process go one at a time per ledger. nats-server 2.9 can accept two concurrent
 * compare-and-set writes on an R3 bucket; replicas sharing a process then never race each other.
 */
const claimQueues = new Map<string, SerialQueue>();

function claimQueue(key: string): SerialQueue {
  let queue = claimQueues.get(key);
  if (!queue) {
    queue = new SerialQueue();
    claimQueues.set(key, queue);
  }
  return queue;
}

function countsOf(ledger: Ledger): AcceptedCounts {
  const counts: AcceptedCounts = { total: ledger.rounds.length, byComplexity: {}, byDomain: {} };
  for (const round of ledger.rounds) {
    counts.byComplexity[round.complexity] = (counts.byComplexity[round.complexity] ?? 0) + 1;
    counts.byDomain[round.domain] = (counts.byDomain[round.domain] ?? 0) + 1;
  }
  return counts;
}

/**
 * The run's accepted rounds, in the KV bucket. Claims are compare-and-set on the entry's revision, so replicas
 * on any host never accept more than the target, and claiming a round twice (a redelivery) is a no-op.
 */
export class AcceptanceLedger {
  constructor(
    private readonly kv: KV,
    private readonly runId: string,
    private readonly target: number,
  ) {}

  /** The last ledger read: one that has not changed since is not parsed again (it lists every accepted round). */
  #lastRead: { ledger: Ledger; revision: number } | undefined;

  private async read(): Promise<{ ledger: Ledger; revision: number }> {
    const entry = await this.kv.get(stateKeys.curatorCount(this.runId));
    if (!entry || entry.value.length === 0) return { ledger: { rounds: [] }, revision: 0 };
    if (this.#lastRead?.revision === entry.revision) return this.#lastRead;
    const parsed = Ledger.safeParse(entry.json());
    if (!parsed.success)
      throw new Error(`acceptance ledger of run ${this.runId} is corrupt: ${parsed.error.message}`);
    this.#lastRead = { ledger: parsed.data, revision: entry.revision };
    return this.#lastRead;
  }

  standing(roundId: string): Promise<Standing> {
    return ridingOutages(async () => {
      const { ledger } = await this.read();
      return { counts: countsOf(ledger), claimed: ledger.rounds.some((r) => r.roundId === roundId) };
    });
  }

  claim(roundId: string, complexity: number, domain: string): Promise<Claim> {
    return this.#rewrite<Claim>((ledger) => {
      if (ledger.rounds.some((r) => r.roundId === roundId))
        return { result: { claimed: true, counts: countsOf(ledger) } };
      if (ledger.rounds.length >= this.target)
        return { result: { claimed: false, reason: "target_reached" } };
      const next: Ledger = { rounds: [...ledger.rounds, { roundId, complexity, domain }] };
      return { next, result: { claimed: true, counts: countsOf(next) } };
    });
  }

  /** Gives a claimed place back: the round could not be kept after all, and another round may take it. */
  release(roundId: string): Promise<void> {
    return this.#rewrite((ledger) => ({
      next: ledger.rounds.some((r) => r.roundId === roundId)
        ? { rounds: ledger.rounds.filter((r) => r.roundId !== roundId) }
        : undefined,
      result: undefined,
    }));
  }

  /**
   * Compare-and-set on the ledger, one write at a time per process and riding out NATS outages; when another
   * replica wrote first, `change` looks again.
   */
  #rewrite<T>(change: LedgerChange<T>): Promise<T> {
    const key = stateKeys.curatorCount(this.runId);
    return claimQueue(key).run(() => ridingOutages(() => this.#compareAndSet(key, change)));
  }

  async #compareAndSet<T>(key: string, change: LedgerChange<T>): Promise<T> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { ledger, revision } = await this.read();
      const { next, result } = change(ledger);
      if (!next) return result;
      try {
        if (revision === 0) await this.kv.create(key, JSON.stringify(next));
        else await this.kv.update(key, JSON.stringify(next), revision);
        return result;
      } catch (err) {
        if (!/wrong last sequence|exists/i.test(errorMessage(err))) throw err;
      }
    }
    throw new Error(
      `could not update the acceptance ledger of run ${this.runId} after ${MAX_CAS_ATTEMPTS} contended attempts`,
    );
  }
}

/**
 * Retries `work` while NATS is briefly away (a server restart, a cluster failover). A ledger operation must
 * not fail on one: the round would close as failed or rejected while the ledger may hold it, and the run would
 * never see its target. A claim whose write landed unseen is found by the next try's read.
 */
async function ridingOutages<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + OUTAGE_PATIENCE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!TRANSIENT.test(errorMessage(err)) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, OUTAGE_BACKOFF)));
    }
  }
}
