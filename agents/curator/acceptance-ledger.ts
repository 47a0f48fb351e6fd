import type { KV } from "@nats-io/kv";
import { z } from "zod";
import { KvDocument } from "../../bus/kv-document.ts";
import type { AcceptedCounts } from "../../curation/mix-quota.ts";
import type { RunState, SharedDocument } from "../../host/definition.ts";
import { stateKeys } from "../../protocol/subjects.ts";

const Ledger = z.object({
  rounds: z.array(z.object({ roundId: z.string(), complexity: z.number().int(), domain: z.string() })),
});
type Ledger = z.infer<typeof Ledger>;
const EMPTY: Ledger = { rounds: [] };

export interface Standing {
  counts: AcceptedCounts;
  /** The round is already in the ledger: a redelivery of a round this or another replica accepted. */
  claimed: boolean;
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
 * The run's accepted rounds, in the KV bucket, shared by curator replicas on any host. A claim is idempotent:
 * claiming a round twice (a redelivery) is a no-op. A claim is never refused for the target: a round judged
 * valid and kept by curation was paid in full, and the scheduler, not the curator, stops at the target.
 */
export class AcceptanceLedger {
  readonly #document: SharedDocument<Ledger>;

  /** On the run's state, as an agent's context gives it, or on the state bucket itself (tools and tests). */
  constructor(state: Pick<RunState, "document"> | KV, runId: string) {
    const what = `acceptance ledger of run ${runId}`;
    this.#document =
      "document" in state
        ? state.document(stateKeys.curatorCount, Ledger, EMPTY, what)
        : new KvDocument(state, stateKeys.curatorCount(runId), Ledger, EMPTY, what);
  }

  async standing(roundId: string): Promise<Standing> {
    const ledger = await this.#document.read();
    return { counts: countsOf(ledger), claimed: ledger.rounds.some((r) => r.roundId === roundId) };
  }

  claim(roundId: string, complexity: number, domain: string): Promise<AcceptedCounts> {
    return this.#document.change((ledger) => {
      if (ledger.rounds.some((r) => r.roundId === roundId)) return { result: countsOf(ledger) };
      const next: Ledger = { rounds: [...ledger.rounds, { roundId, complexity, domain }] };
      return { next, result: countsOf(next) };
    });
  }

  /** Gives a claimed place back: the round could not be kept after all. */
  release(roundId: string): Promise<void> {
    return this.#document.change((ledger) => ({
      next: ledger.rounds.some((r) => r.roundId === roundId)
        ? { rounds: ledger.rounds.filter((r) => r.roundId !== roundId) }
        : undefined,
      result: undefined,
    }));
  }
}
