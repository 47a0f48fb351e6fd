import type { RejectionReason } from "../bus/messages.ts";
import type { CurationConfig } from "../config/topology.ts";
import type { InvalidVerdict, ValidVerdict } from "../core/schemas.ts";

/**
 * The curation policy, pure: whether a judged round's sample joins the dataset. Kept samples must be valid,
 * in the configured quality band, of a kept outcome, and fit the complexity and domain mix (shares of the
 * target), until the target is reached.
 */

export type PolicyRejection = Extract<
  RejectionReason,
  "invalid_question" | "quality_band" | "outcome_policy" | "mix_full" | "target_reached"
>;

export type PolicyDecision =
  | { accept: true; reason: string }
  | { accept: false; reasonCode: PolicyRejection; reason: string };

export interface AcceptedCounts {
  total: number;
  /** Complexity (as a string, like the mix keys) -> accepted samples. */
  byComplexity: Record<string, number>;
  byDomain: Record<string, number>;
}

export type PolicyConfig = Pick<
  CurationConfig,
  "target" | "levels" | "accept" | "complexityMix" | "domainMix"
>;

export interface PolicyInput {
  config: PolicyConfig;
  verdict: Pick<InvalidVerdict, "valid"> | Pick<ValidVerdict, "valid" | "level" | "outcome">;
  complexity: number;
  domain: string;
  counts: AcceptedCounts;
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

export function decideCuration(input: PolicyInput): PolicyDecision {
  const { config, verdict, complexity, domain, counts } = input;
  const reject = (reasonCode: PolicyRejection, reason: string): PolicyDecision => ({
    accept: false,
    reasonCode,
    reason,
  });
  if (counts.total >= config.target) {
    return reject("target_reached", `the dataset already holds its target of ${config.target} samples`);
  }
  if (!verdict.valid) {
    return reject("invalid_question", "the Judge found the question invalid");
  }
  if (config.accept === "attacks_only" && verdict.outcome !== "attack_succeeded") {
    return reject("outcome_policy", `the Defender answered correctly and curation.accept is "attacks_only"`);
  }
  if (!config.levels.includes(verdict.level)) {
    return reject(
      "quality_band",
      `reasoning level ${verdict.level} is outside the kept band ${config.levels.join(", ")}`,
    );
  }
  const buckets = [
    {
      name: `complexity ${complexity}`,
      setting: "complexityMix",
      mix: config.complexityMix,
      key: String(complexity),
      held: counts.byComplexity,
    },
    {
      name: `domain ${domain}`,
      setting: "domainMix",
      mix: config.domainMix,
      key: domain,
      held: counts.byDomain,
    },
  ];
  for (const bucket of buckets) {
    const capacity = bucketCapacity(bucket.mix, bucket.key, config.target);
    const held = bucket.held[bucket.key] ?? 0;
    if (capacity !== undefined && held >= capacity) {
      const why =
        capacity === 0
          ? `has no share in curation.${bucket.setting}`
          : `is full (${held} of its ${capacity})`;
      return reject("mix_full", `${bucket.name} ${why}`);
    }
  }
  return {
    accept: true,
    reason: `kept: ${verdict.level} ${verdict.outcome.replace("_", " ")}, complexity ${complexity}, ${domain} (${counts.total + 1} of ${config.target})`,
  };
}
