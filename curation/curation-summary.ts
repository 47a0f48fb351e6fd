import type { RejectionReason } from "../bus/messages.ts";
import type { AcceptedCounts, PolicyConfig } from "./policy.ts";

/**
 * Counts of what curation kept and why it turned the rest away, kept up as rounds close (the policy needs the
 * accepted counts), and the plain-language summary of them for the run's end and the dataset card.
 */

export interface CurationTally {
  accepted: AcceptedCounts;
  /** Reason code -> rounds closed without a sample for that reason. */
  rejected: Record<string, number>;
}

export function emptyTally(): CurationTally {
  return { accepted: { total: 0, byComplexity: {}, byDomain: {} }, rejected: {} };
}

export function tallyAccepted(
  tally: CurationTally,
  sample: { complexity: number; domain: string },
): CurationTally {
  const { accepted } = tally;
  return {
    ...tally,
    accepted: {
      total: accepted.total + 1,
      byComplexity: bump(accepted.byComplexity, String(sample.complexity)),
      byDomain: bump(accepted.byDomain, sample.domain),
    },
  };
}

export function tallyRejected(tally: CurationTally, reason: RejectionReason): CurationTally {
  return { ...tally, rejected: bump(tally.rejected, reason) };
}

function bump(counts: Record<string, number>, key: string): Record<string, number> {
  return { ...counts, [key]: (counts[key] ?? 0) + 1 };
}

const EXPLANATIONS: Record<RejectionReason, (config: PolicyConfig) => string> = {
  duplicate: () => "too similar to a kept question or one in flight",
  contaminated: () => "too close to an evaluation benchmark item",
  invalid_question: () => "the Judge found the question invalid",
  quality_band: (c) => `reasoning level outside ${c.levels.join(", ")}`,
  outcome_policy: () => "well defended, and only successful attacks are kept",
  mix_full: () => "its complexity or domain share was already full",
  target_reached: () => "arrived after the target was reached",
  model_error: () => "a model returned unusable output",
  timeout: () => "the round ran out of time",
  max_deliveries: () => "a stage failed on every delivery",
  budget: () => "the token budget ran out",
  cancelled: () => "the run was stopped",
  error: () => "an unexpected error",
};

export interface CurationSummary {
  kept: number;
  target: number;
  rejected: number;
  /** Reason code -> count, largest first. */
  byReason: { reason: string; count: number; explanation: string }[];
  text: string;
}

export function summariseCuration(config: PolicyConfig, tally: CurationTally): CurationSummary {
  const byReason = Object.entries(tally.rejected)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([reason, count]) => ({
      reason,
      count,
      explanation: reason in EXPLANATIONS ? EXPLANATIONS[reason as RejectionReason](config) : "other",
    }));
  const kept = tally.accepted.total;
  const rejected = byReason.reduce((sum, r) => sum + r.count, 0);
  const lines = [
    `Kept ${kept} of the ${config.target}-sample target (levels ${config.levels.join(", ")}, ${config.accept.replaceAll("_", " ")}).`,
    rejected === 0 ? "Nothing was turned away." : `Turned away ${rejected}:`,
    ...byReason.map((r) => `- ${r.count} ${r.reason}: ${r.explanation}`),
  ];
  return { kept, target: config.target, rejected, byReason, text: lines.join("\n") };
}
