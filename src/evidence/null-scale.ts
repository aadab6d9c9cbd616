/**
 * @module evidence/null-scale
 * The spread of similarities between unrelated units, estimated from the comparison itself: the
 * cosines of random (B unit, A unit) pairs. Nearly all such pairs are unrelated even when B derives
 * from A (a true match is one candidate in n), and the median is used so the few true matches that
 * land in the sample cannot move it. Anisotropy and shared structure in both models raise it, which
 * makes every later p-value more conservative, never less.
 */
import type { Rng } from "../numeric/rng.js";

/** Median of x², scaled to a variance: for Gaussian x, median(x²) = 0.4549·σ². */
export function robustScale(values: Float64Array | number[]): number {
  const sq = Float64Array.from(values, (v) => v * v).sort();
  const n = sq.length;
  if (n === 0) return NaN;
  const med = n % 2 ? (sq[(n - 1) / 2] as number) : ((sq[n / 2 - 1] as number) + (sq[n / 2] as number)) / 2;
  return Math.sqrt(med / 0.45493642311957283);
}

/**
 * σ of the cosine between unrelated unit vectors of dimension `d`: the robust spread of `pairs`
 * random pair cosines, floored at the isotropic value 1/√d (rows can be more aligned than random
 * vectors, never less on average).
 */
export function nullScale(cos: (bi: number, ai: number) => number, m: number, n: number, d: number, rng: Rng, pairs = 4096): number {
  const v = new Float64Array(pairs);
  for (let k = 0; k < pairs; k++) v[k] = cos(rng.int(m), rng.int(n));
  return Math.max(robustScale(v), 1 / Math.sqrt(d));
}
