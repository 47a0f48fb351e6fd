import type { TournamentConfig } from "../config/topology.ts";
import { ConfigError } from "../protocol/errors.ts";
import { createPrng, deriveSeed } from "./prng.ts";

/** Who plays which role in one round. */
export interface Pairing {
  readonly attacker: string;
  readonly defender: string;
}

export interface PairingOptions extends Pick<TournamentConfig, "pairing" | "swapEvery" | "selfPlay"> {
  /** Model ids that play, in topology order. */
  readonly models: readonly string[];
  readonly seed: number;
}

export interface Pairings {
  /** The pairing of round `seq`; a pure function of `seq`, so replicas and restarts agree. */
  pairingFor(seq: number): Pairing;
}

type PairPicker = (block: number) => readonly [string, string];

/**
 * Rounds come in blocks of 2k (k = swapEvery): one pair of models plays k rounds as (A, B), then k rounds as
 * (B, A), so each model both attacks and defends against the other. Round-robin walks every unordered pair in
 * turn; random draws a pair per block from the seed.
 */
export function createPairings(options: PairingOptions): Pairings {
  const models = checkedModels(options);
  const [only] = models;
  if (models.length === 1 && only !== undefined) {
    return { pairingFor: () => ({ attacker: only, defender: only }) };
  }
  const pickPair = options.pairing === "round-robin" ? roundRobin(models) : randomPairs(models, options.seed);
  const blockLength = 2 * options.swapEvery;
  return {
    pairingFor(seq) {
      const [first, second] = pickPair(Math.floor(seq / blockLength));
      const swapped = seq % blockLength >= options.swapEvery;
      return swapped ? { attacker: second, defender: first } : { attacker: first, defender: second };
    },
  };
}

function checkedModels(options: PairingOptions): readonly string[] {
  const { models } = options;
  if (models.length === 0) throw new ConfigError("tournament.models: list at least one model to play");
  const duplicate = models.find((id, i) => models.indexOf(id) !== i);
  if (duplicate !== undefined) throw new ConfigError(`tournament.models: "${duplicate}" is listed twice`);
  if (models.length === 1 && !options.selfPlay) {
    throw new ConfigError(
      `tournament: only "${models[0]}" plays and selfPlay is false; add a model to tournament.models or set selfPlay: true`,
    );
  }
  return models;
}

function roundRobin(models: readonly string[]): PairPicker {
  const pairs = models.flatMap((first, i) => models.slice(i + 1).map((second) => [first, second] as const));
  return (block) => pairs[block % pairs.length] as readonly [string, string];
}

function randomPairs(models: readonly string[], seed: number): PairPicker {
  return (block) => {
    const prng = createPrng(deriveSeed(seed, "pairing", block));
    const first = prng.int(models.length);
    // An offset in 1..n-1 picks a different model uniformly.
    const second = (first + 1 + prng.int(models.length - 1)) % models.length;
    return [models[first], models[second]] as [string, string];
  };
}
