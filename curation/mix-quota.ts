/**
 * The complexity and domain mix as quotas on rounds, pure: a bucket (a complexity, a domain) may hold its
 * share of the target, and a round is opened only in a bucket whose kept samples, plus what its rounds in
 * flight are expected to bring, still fall short of that share. Quotas are met where the spending starts,
 * so no judged sample is turned away for a full bucket.
 */

export interface AcceptedCounts {
  total: number;
  /** Complexity (as a string, like the mix keys) -> accepted samples. */
  byComplexity: Record<string, number>;
  byDomain: Record<string, number>;
}

export const NO_ACCEPTED: AcceptedCounts = { total: 0, byComplexity: {}, byDomain: {} };

export function countAccepted(
  counts: AcceptedCounts,
  sample: { complexity: number; domain: string },
): AcceptedCounts {
  const bump = (held: Record<string, number>, key: string) => ({ ...held, [key]: (held[key] ?? 0) + 1 });
  return {
    total: counts.total + 1,
    byComplexity: bump(counts.byComplexity, String(sample.complexity)),
    byDomain: bump(counts.byDomain, sample.domain),
  };
}

/** Samples a bucket may hold: its share of the target, rounded up; undefined when there is no mix. */
export function bucketCapacity(
  mix: Record<string, number> | undefined,
  bucket: string,
  target: number,
): number | undefined {
  if (!mix) return undefined;
  const total = Object.values(mix).reduce((sum, share) => sum + share, 0);
  return total > 0 ? Math.ceil(((mix[bucket] ?? 0) / total) * target) : 0;
}

export interface BucketDemand {
  mix: Record<string, number> | undefined;
  target: number;
  /** Accepted samples per bucket. */
  held: Record<string, number>;
  /** Rounds in flight per bucket. */
  inFlight: Record<string, number>;
  /** The share of rounds expected to end with a kept sample. */
  acceptRate: number;
}

/**
 * Samples each candidate bucket still wants beyond what it holds and what its rounds in flight should bring,
 * largest first; buckets wanting none are left out. Without a mix every candidate wants one more, in order.
 */
export function bucketsWanting(candidates: readonly string[], demand: BucketDemand): string[] {
  if (!demand.mix) return [...candidates];
  const wanting = candidates.flatMap((bucket) => {
    const capacity = bucketCapacity(demand.mix, bucket, demand.target) ?? 0;
    const expected = (demand.held[bucket] ?? 0) + demand.acceptRate * (demand.inFlight[bucket] ?? 0);
    return capacity - expected > 1e-9 ? [{ bucket, want: capacity - expected }] : [];
  });
  return wanting.sort((a, b) => b.want - a.want).map((w) => w.bucket);
}
