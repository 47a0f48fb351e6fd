import { median } from "./rates.ts";

/** One measured run of one contender (a topology, a variant, a transport) in one trial. */
export interface Trial<C extends string> {
  contender: C;
  trial: number;
}

/**
 * Runs two contenders `trials` times each, one after the other, alternating which goes first, so a drift in
 * the machine's speed (other people's jobs) falls on both. Results come back in the order they ran.
 */
export async function alternateTrials<C extends string, R extends Trial<C>>(
  contenders: readonly [C, C],
  trials: number,
  run: (contender: C, trial: number) => Promise<R>,
  onRun: (result: R) => void = () => {},
): Promise<R[]> {
  const results: R[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const [first, second] = trial % 2 === 0 ? contenders : ([contenders[1], contenders[0]] as const);
    for (const contender of [first, second]) {
      const result = await run(contender, trial);
      results.push(result);
      onRun(result);
    }
  }
  return results;
}

/** The median of one figure over one contender's runs. */
export function medianOf<C extends string, R extends Trial<C>>(
  results: readonly R[],
  contender: C,
  figure: (result: R) => number,
): number {
  return median(results.filter((r) => r.contender === contender).map(figure));
}

/** Per trial, `figure` of contender `a` over that of contender `b`. */
export function trialRatios<C extends string, R extends Trial<C>>(
  results: readonly R[],
  [a, b]: readonly [C, C],
  figure: (result: R) => number,
): number[] {
  const of = (contender: C, trial: number) =>
    results.find((r) => r.contender === contender && r.trial === trial);
  return results
    .filter((r) => r.contender === a)
    .map((r) => {
      const other = of(b, r.trial);
      return other ? figure(r) / figure(other) : Number.NaN;
    });
}
