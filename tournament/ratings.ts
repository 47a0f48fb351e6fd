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

/**
 * Attack and defence ratings of every model from the rounds so far (Bradley-Terry, see bradley-terry.ts),
 * best defender first. 1500 is the average attacker: a defence rating R defends against it with odds
 * 10^((R - 1500) / 400). `models` lists players to show before their first round.
 */
export function standings(outcomes: readonly RoundOutcome[], models: readonly string[] = []): StandingsRow[] {
  const ids = [...new Set([...models, ...outcomes.flatMap((round) => [round.attacker, round.defender])])];
  const { records, tallies } = tallyRounds(ids, outcomes);
  const fit = fitBipartiteBradleyTerry(ids.length, tallies);
  const rows = ids.map((model, i): StandingsRow => {
    const { games, attackWins, defences, defenceGames, invalid } = records[i] as ModelRecord;
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

/** Per-model counts, and the games of each (attacker, defender) pair for the fit. */
function tallyRounds(ids: readonly string[], outcomes: readonly RoundOutcome[]) {
  const index = new Map(ids.map((id, i) => [id, i]));
  const records = ids.map(
    (): ModelRecord => ({ games: 0, attackWins: 0, defences: 0, defenceGames: 0, invalid: 0 }),
  );
  const tallies = new Map<string, PairTally>();
  for (const round of outcomes) {
    const attacker = index.get(round.attacker) as number;
    const defender = index.get(round.defender) as number;
    const attackerRecord = records[attacker] as ModelRecord;
    const defenderRecord = records[defender] as ModelRecord;
    if (round.outcome === "invalid_question") {
      attackerRecord.invalid++;
      continue;
    }
    const defended = round.outcome === "defended";
    attackerRecord.games++;
    if (defender !== attacker) defenderRecord.games++;
    defenderRecord.defenceGames++;
    const key = `${attacker}:${defender}`;
    const tally = tallies.get(key) ?? { attacker, defender, defended: 0, attacked: 0 };
    tallies.set(key, tally);
    if (defended) {
      defenderRecord.defences++;
      tally.defended++;
    } else {
      attackerRecord.attackWins++;
      tally.attacked++;
    }
  }
  return { records, tallies: [...tallies.values()] };
}

function interval(estimate: Estimate): RatingInterval {
  const halfWidth = Z_95 * estimate.stdError * POINTS_PER_LOGIT;
  const rating = ratingFromLogit(estimate.value);
  return { rating, ci95: [rating - halfWidth, rating + halfWidth] };
}
