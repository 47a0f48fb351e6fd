import { ConfigError } from "../protocol/errors.ts";
import { createPrng, deriveSeed, shuffled } from "./prng.ts";

export interface RotationOptions {
  /** Domains of the run (`run.domains`). */
  readonly domains: readonly string[];
  readonly seed: number;
}

export interface TopicRotation {
  /** The domain of round `seq`: every run of `domains.length` consecutive rounds visits each domain once. */
  domainFor(seq: number): string;
  /** The skill of round `seq`, from its domain's skills: each skill once per `skills.length` visits. */
  skillFor(seq: number, skills: readonly string[]): string;
}

/**
 * Spreads rounds evenly over domains and skills. The order inside each turn is shuffled from the seed, so the
 * domain does not lock step with the pairing cycle (which would leave a pairing always in the same domain).
 */
export function createTopicRotation(options: RotationOptions): TopicRotation {
  const { domains, seed } = options;
  if (domains.length === 0) throw new ConfigError("run.domains: list at least one domain");
  // Turn t is rounds [t*D, (t+1)*D): each domain comes up once per turn, so a domain's visit count is the turn.
  const turnOf = (seq: number): number => Math.floor(seq / domains.length);
  const domainFor = (seq: number): string => {
    const order = shuffled(domains, createPrng(deriveSeed(seed, "domains", turnOf(seq))));
    return order[seq % domains.length] as string;
  };
  return {
    domainFor,
    skillFor(seq, skills) {
      const domain = domainFor(seq);
      if (skills.length === 0)
        throw new ConfigError(`domain "${domain}" lists no skills; add skills to its pack`);
      const visit = turnOf(seq);
      const cycle = Math.floor(visit / skills.length);
      const order = shuffled(skills, createPrng(deriveSeed(seed, "skills", domain, cycle)));
      return order[visit % skills.length] as string;
    },
  };
}
