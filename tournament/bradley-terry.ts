import { SystemError } from "../protocol/errors.ts";
import { invertSpd, type Matrix, solveSpd } from "./spd-matrix.ts";

/**
 * Bradley-Terry on a bipartite game: player i defends with strength d_i and attacks with strength a_i, and
 * P(defended) = sigmoid(d_defender - a_attacker). Fitted by Newton's method on the log posterior. The prior is
 * one virtual win and one virtual loss of every strength against a reference of strength 0: it keeps strengths
 * finite when a player wins or loses everything, and fixes the common shift that the games alone leave free.
 * Strengths are reported relative to the average attacker, with standard errors from the Fisher information.
 */

/** Games between one attacker and one defender (player indices). */
export interface PairTally {
  attacker: number;
  defender: number;
  defended: number;
  attacked: number;
}

/** A strength on the logit scale with its standard error from the inverse Fisher information. */
export interface Estimate {
  readonly value: number;
  readonly stdError: number;
}

export interface BipartiteFit {
  readonly defence: Estimate[];
  readonly attack: Estimate[];
}

const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-12;
const MIN_STEP_SCALE = 1e-6;

/** Parameters are [d_0 .. d_{n-1}, a_0 .. a_{n-1}]. */
export function fitBipartiteBradleyTerry(players: number, tallies: readonly PairTally[]): BipartiteFit {
  let theta = new Array<number>(2 * players).fill(0);
  // The log posterior grows with the games, and so does its rounding error: scale the stopping point with it.
  const tolerance =
    TOLERANCE * (1 + tallies.reduce((sum, tally) => sum + tally.defended + tally.attacked, 0));
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const { gradient, information } = derivatives(theta, players, tallies);
    const step = solveSpd(information, gradient);
    // Half the Newton decrement g.step estimates how far the log posterior is below its maximum.
    if (dot(gradient, step) / 2 < tolerance) return estimates(theta, information, tallies);
    theta = ascend(theta, step, players, tallies);
  }
  throw new SystemError(`Bradley-Terry fit did not converge in ${MAX_ITERATIONS} Newton iterations`);
}

/**
 * Strengths relative to the mean attack strength of the players that attacked. The games identify these
 * differences; the common origin rests on the weak prior alone, and its uncertainty would swamp every interval.
 */
function estimates(
  theta: readonly number[],
  information: Matrix,
  tallies: readonly PairTally[],
): BipartiteFit {
  const players = theta.length / 2;
  const covariance = invertSpd(information);
  const attackers = new Set(tallies.map((tally) => players + tally.attacker));
  const weights = theta.map((_, i) => (attackers.has(i) ? 1 / attackers.size : 0));
  const origin = dot(weights, theta);
  const covarianceWithOrigin = covariance.map((row) => dot(row, weights));
  const originVariance = dot(weights, covarianceWithOrigin);
  const estimate = (i: number): Estimate => {
    const variance =
      ((covariance[i] as number[])[i] as number) - 2 * (covarianceWithOrigin[i] as number) + originVariance;
    // Rounding can leave a tiny negative variance when a strength is the origin itself (a lone attacker).
    return { value: (theta[i] as number) - origin, stdError: Math.sqrt(Math.max(0, variance)) };
  };
  const indices = Array.from({ length: players }, (_, i) => i);
  return { defence: indices.map(estimate), attack: indices.map((i) => estimate(players + i)) };
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] as number), 0);
}

/** Newton's step, halved until the log posterior does not fall: plain Newton can overshoot far from the mode. */
function ascend(
  theta: number[],
  step: readonly number[],
  players: number,
  tallies: readonly PairTally[],
): number[] {
  const current = logPosterior(theta, players, tallies);
  for (let scale = 1; scale >= MIN_STEP_SCALE; scale /= 2) {
    const candidate = theta.map((value, i) => value + scale * (step[i] as number));
    if (logPosterior(candidate, players, tallies) >= current) return candidate;
  }
  return theta;
}

function logPosterior(theta: readonly number[], players: number, tallies: readonly PairTally[]): number {
  let total = theta.reduce((sum, value) => sum + logSigmoid(value) + logSigmoid(-value), 0);
  for (const tally of tallies) {
    const margin = defenceMargin(theta, players, tally);
    total += tally.defended * logSigmoid(margin) + tally.attacked * logSigmoid(-margin);
  }
  return total;
}

/** Gradient of the log posterior and the Fisher information (its negative Hessian). */
function derivatives(theta: readonly number[], players: number, tallies: readonly PairTally[]) {
  const gradient = theta.map((value) => 1 - 2 * sigmoid(value));
  const information: Matrix = theta.map((value, i) =>
    theta.map((_, j) => (i === j ? 2 * sigmoid(value) * sigmoid(-value) : 0)),
  );
  const add = (i: number, j: number, value: number): void => {
    (information[i] as number[])[j] = ((information[i] as number[])[j] as number) + value;
  };
  for (const tally of tallies) {
    const d = tally.defender;
    const a = players + tally.attacker;
    const p = sigmoid(defenceMargin(theta, players, tally));
    const games = tally.defended + tally.attacked;
    const surplus = tally.defended - games * p;
    gradient[d] = (gradient[d] as number) + surplus;
    gradient[a] = (gradient[a] as number) - surplus;
    const weight = games * p * (1 - p);
    add(d, d, weight);
    add(a, a, weight);
    add(d, a, -weight);
    add(a, d, -weight);
  }
  return { gradient, information };
}

function defenceMargin(theta: readonly number[], players: number, tally: PairTally): number {
  return (theta[tally.defender] as number) - (theta[players + tally.attacker] as number);
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(sigmoid(x)) without overflow for large |x|. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}
