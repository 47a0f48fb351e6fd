import type { CurationConfig } from "../config/topology.ts";
import type { RejectionReason } from "../protocol/messages.ts";
import type { InvalidVerdict, ValidVerdict } from "../protocol/schemas.ts";

/**
 * The curation policy, pure: whether a judged round's sample is good enough to keep. Kept samples must be
 * valid, in the configured quality band, and of a kept outcome. Nothing else turns a judged sample away: the
 * target and the complexity and domain mix are honoured when rounds are opened (machines/round-planner.ts),
 * because a sample judged and found good was paid in full.
 */

export type PolicyRejection = Extract<
  RejectionReason,
  "invalid_question" | "quality_band" | "outcome_policy"
>;

export type PolicyDecision =
  | { accept: true; reason: string }
  | { accept: false; reasonCode: PolicyRejection; reason: string };

export type PolicyConfig = Pick<CurationConfig, "levels" | "accept">;

export interface PolicyInput {
  config: PolicyConfig;
  verdict: Pick<InvalidVerdict, "valid"> | Pick<ValidVerdict, "valid" | "level" | "outcome">;
}

export function decideCuration({ config, verdict }: PolicyInput): PolicyDecision {
  if (!verdict.valid) {
    return { accept: false, reasonCode: "invalid_question", reason: "the Judge found the question invalid" };
  }
  if (config.accept === "attacks_only" && verdict.outcome !== "attack_succeeded") {
    return {
      accept: false,
      reasonCode: "outcome_policy",
      reason: `the Defender answered correctly and curation.accept is "attacks_only"`,
    };
  }
  if (!config.levels.includes(verdict.level)) {
    return {
      accept: false,
      reasonCode: "quality_band",
      reason: `reasoning level ${verdict.level} is outside the kept band ${config.levels.join(", ")}`,
    };
  }
  return { accept: true, reason: `kept: ${verdict.level} ${verdict.outcome.replace("_", " ")}` };
}
