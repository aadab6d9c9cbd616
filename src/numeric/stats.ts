/**
 * @module numeric/stats
 * Tail probabilities computed in log space, so evidence far beyond double precision (p = 1e-500)
 * stays exact in its exponent: the normal upper tail, the binomial upper tail, and the pieces they
 * need (log-gamma, log-sum-exp). All logs are natural; `log10` helpers convert for reports.
 */

const LN10 = Math.log(10);

/** ln Γ(x) for x > 0: Stirling's series after shifting x above 15 (absolute error ~1e-15). */
export function logGamma(x: number): number {
  let shift = 0;
  while (x < 15) {
    shift += Math.log(x);
    x += 1;
  }
  const x2 = x * x;
  const series = 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2) - 1 / (1680 * x * x2 * x2 * x2);
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/** ln C(n, k). */
export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

export function logSumExp(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) m = Math.max(m, x);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** erfc(x) for x >= 0 with relative accuracy ~1e-14 (continued fraction for large x, series otherwise). */
function erfcScaled(x: number): number {
  // returns exp(x^2) * erfc(x) for x >= 0.5 via a continued fraction (Lentz)
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    D = x + an * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = x + an / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (f * Math.sqrt(Math.PI));
}

function erfSeries(x: number): number {
  // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)), fine for |x| < 0.5... use up to 3
  let sum = x;
  let term = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** ln P(Z >= z) for a standard normal Z. */
export function logNormalSf(z: number): number {
  if (z < 0) return Math.log1p(-Math.exp(logNormalSf(-z)));
  const x = z / Math.SQRT2;
  if (x < 0.5) return Math.log(0.5 * (1 - erfSeries(x)));
  return Math.log(0.5 * erfcScaled(x)) - x * x;
}

/** P(Z >= z). */
export function normalSf(z: number): number {
  return Math.exp(logNormalSf(z));
}

/** The z with P(Z >= z) = p, for p in (0, 0.5] (bisection on logNormalSf; exact to ~1e-12). */
export function normalIsf(p: number): number {
  const target = Math.log(p);
  let lo = 0;
  let hi = 1;
  while (logNormalSf(hi) > target) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (logNormalSf(mid) > target) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-13) break;
  }
  return (lo + hi) / 2;
}

/** ln P(X >= k) for X ~ Binomial(n, p). */
export function logBinomialSf(n: number, p: number, k: number): number {
  if (k <= 0) return 0;
  if (k > n) return -Infinity;
  if (p <= 0) return -Infinity;
  if (p >= 1) return 0;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const terms: number[] = [];
  for (let i = k; i <= n; i++) {
    const t = logChoose(n, i) + i * lp + (n - i) * lq;
    terms.push(t);
    // terms decrease geometrically once i > n p; stop when negligible
    if (i > n * p + 1 && t < (terms[0] as number) - 60) break;
  }
  return Math.min(0, logSumExp(terms));
}

export function toLog10(lnP: number): number {
  return lnP / LN10;
}

/** A p-value from its natural log, clamped to [0, 1] (0 when below the double range). */
export function fromLog(lnP: number): number {
  return Math.min(1, Math.exp(lnP));
}

/** Bonferroni: ln(min(1, m · p)). */
export function logBonferroni(lnP: number, m: number): number {
  return Math.min(0, lnP + Math.log(Math.max(1, m)));
}

/** ln P(χ²_{2k} >= x) for an integer k (Fisher's combination of k p-values): e^{-x/2} Σ_{j<k} (x/2)^j / j!. */
export function logChiSquareSfEvenDf(x: number, k: number): number {
  if (x <= 0) return 0;
  const h = x / 2;
  const terms: number[] = [];
  for (let j = 0; j < k; j++) terms.push(j * Math.log(h) - logGamma(j + 1));
  return Math.min(0, -h + logSumExp(terms));
}

/** Fisher's method: ln p of the combination of independent p-values given as natural logs. */
export function logFisher(logPs: number[]): number {
  if (logPs.length === 0) return 0;
  const x = -2 * logPs.reduce((s, v) => s + v, 0);
  return logChiSquareSfEvenDf(x, logPs.length);
}
