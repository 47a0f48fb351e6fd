/**
 * The statistics behind the accuracy tables: Wilson intervals for one accuracy, and tests for whether two
 * accuracies differ (McNemar when both models answered the same items, a two-proportion z-test otherwise).
 */

export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for `successes` out of `n`: sound near 0 and 1 and for small n, unlike p ± z·se. */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const halfWidth = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - halfWidth), high: Math.min(1, centre + halfWidth) };
}

/** erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7: ample for p-values). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

export interface TestResult {
  test: "mcnemar" | "two-proportion-z";
  /** Two-sided. */
  pValue: number;
  statistic: number;
}

/** Two-sided z-test of p1 = p2 for independent samples, with the pooled standard error. */
export function twoProportionZTest(k1: number, n1: number, k2: number, n2: number): TestResult {
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0 || !Number.isFinite(se)) return { test: "two-proportion-z", pValue: 1, statistic: 0 };
  const z = (k2 / n2 - k1 / n1) / se;
  return { test: "two-proportion-z", pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))), statistic: z };
}

/**
 * Exact McNemar test on the discordant pairs: `onlyFirst` items only the first model got right, `onlySecond`
 * only the second. Under no difference each discordant pair falls either way with probability 1/2.
 */
export function mcnemarTest(onlyFirst: number, onlySecond: number): TestResult {
  const n = onlyFirst + onlySecond;
  const smaller = Math.min(onlyFirst, onlySecond);
  // Binomial(n, 1/2) tail in log space, so n in the thousands does not underflow.
  let logPmf = -n * Math.LN2;
  let tail = 0;
  for (let i = 0; i <= smaller; i++) {
    tail += Math.exp(logPmf);
    logPmf += Math.log(n - i) - Math.log(i + 1);
  }
  return { test: "mcnemar", pValue: Math.min(1, 2 * tail), statistic: onlySecond - onlyFirst };
}
