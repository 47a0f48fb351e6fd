import type { RatingInterval, StandingsRow } from "../protocol/run-report.ts";
import { type Estimate, fitBipartiteBradleyTerry, type PairTally } from "./bradley-terry.ts";
import { POINTS_PER_LOGIT, ratingFromLogit } from "./elo.ts";
import type { RoundOutcome } from "./round-outcome.ts";

export type { RatingInterval, StandingsRow };

const Z_95 = 1.959963984540054;

interface ModelRecord {
  games: number;
  attackWins: number;
  defences: number;
  defenceGames: number;
  invalid: number;
}

const NO_RECORD: ModelRecord = { games: 0, attackWins: 0, defences: 0, defenceGames: 0, invalid: 0 };

/** The games of one (attacker, defender) pair, by model id. */
interface PairGames {
  attacker: string;
  defender: string;
  defended: number;
  attacked: number;
}

/**
 * The counts the ratings are fitted from, one round added at a time: a live view keeps this, so its standings
 * after each round cost the same however many rounds came before (no pass over every outcome).
 */
export interface RatingsTally {
  /** Models in the order they first played. */
  readonly models: readonly string[];
  readonly records: ReadonlyMap<string, ModelRecord>;
  /** In the order each pair first played. */
  readonly pairs: ReadonlyMap<string, PairGames>;
}

export const EMPTY_TALLY: RatingsTally = { models: [], records: new Map(), pairs: new Map() };

/** The tally with one more judged round. Pure: the tally passed in is left as it was. */
export function tallyOutcome(tally: RatingsTally, round: RoundOutcome): RatingsTally {
  const models = [...tally.models];
  for (const model of [round.attacker, round.defender]) if (!models.includes(model)) models.push(model);
  const records = new Map(tally.records);
  const attacker = { ...(records.get(round.attacker) ?? NO_RECORD) };
  records.set(round.attacker, attacker);
  if (round.outcome === "invalid_question") {
    attacker.invalid++;
    return { models, records, pairs: tally.pairs };
  }
  // The attacker's record first: a model that attacks itself is one record, counted once per game.
  const defender =
    round.defender === round.attacker ? attacker : { ...(records.get(round.defender) ?? NO_RECORD) };
  records.set(round.defender, defender);
  const defended = round.outcome === "defended";
  attacker.games++;
  if (defender !== attacker) defender.games++;
  defender.defenceGames++;
  const key = `${round.attacker}:${round.defender}`;
  const pair = {
    ...(tally.pairs.get(key) ?? {
      attacker: round.attacker,
      defender: round.defender,
      defended: 0,
      attacked: 0,
    }),
  };
  if (defended) {
    defender.defences++;
    pair.defended++;
  } else {
    attacker.attackWins++;
    pair.attacked++;
  }
  return { models, records, pairs: new Map(tally.pairs).set(key, pair) };
}

/**
 * Attack and defence ratings of every model from the rounds so far (Bradley-Terry, see bradley-terry.ts),
 * best defender first. 1500 is the average attacker: a defence rating R defends against it with odds
 * 10^((R - 1500) / 400). `models` lists players to show before their first round.
 */
export function standings(outcomes: readonly RoundOutcome[], models: readonly string[] = []): StandingsRow[] {
  return standingsOf(outcomes.reduce(tallyOutcome, EMPTY_TALLY), models);
}

/** standings() from a tally kept round by round. */
export function standingsOf(tally: RatingsTally, players: readonly string[] = []): StandingsRow[] {
  const ids = [...new Set([...players, ...tally.models])];
  const index = new Map(ids.map((id, i) => [id, i]));
  const tallies: PairTally[] = [...tally.pairs.values()].map((pair) => ({
    attacker: index.get(pair.attacker) as number,
    defender: index.get(pair.defender) as number,
    defended: pair.defended,
    attacked: pair.attacked,
  }));
  const fit = fitBipartiteBradleyTerry(ids.length, tallies);
  const rows = ids.map((model, i): StandingsRow => {
    const { games, attackWins, defences, defenceGames, invalid } = tally.records.get(model) ?? NO_RECORD;
    return {
      model,
      attack: interval(fit.attack[i] as Estimate),
      defence: interval(fit.defence[i] as Estimate),
      games,
      attackWins,
      defences,
      invalid,
      defenderSuccessRate: defenceGames === 0 ? null : defences / defenceGames,
    };
  });
  return rows.sort((a, b) => b.defence.rating - a.defence.rating || a.model.localeCompare(b.model));
}

function interval(estimate: Estimate): RatingInterval {
  const halfWidth = Z_95 * estimate.stdError * POINTS_PER_LOGIT;
  const rating = ratingFromLogit(estimate.value);
  return { rating, ci95: [rating - halfWidth, rating + halfWidth] };
}
