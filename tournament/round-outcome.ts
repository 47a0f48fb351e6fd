import { z } from "zod";
import type { RoundClosed } from "../protocol/messages.ts";
import { Outcome } from "../protocol/schemas.ts";

/** What the tournament learns from one judged round; the input of ratings and difficulty targeting. */
export const RoundOutcome = z.object({
  attacker: z.string(),
  defender: z.string(),
  outcome: Outcome,
  /** The complexity the round was opened with. */
  complexity: z.number().int().min(1).max(5),
});
export type RoundOutcome = z.infer<typeof RoundOutcome>;

/** The outcome of a closed round, or undefined when it closed before a verdict (duplicate, model error, ...). */
export function outcomeOfRound(closed: RoundClosed): RoundOutcome | undefined {
  if (closed.verdict === undefined) return undefined;
  const { attacker, defender, complexity } = closed.spec;
  return { attacker, defender, complexity, outcome: closed.verdict.outcome };
}
