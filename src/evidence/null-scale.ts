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
export function robustScale(values: Float64Array | Float32Array | number[]): number {
  const n = values.length;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = (values[i] as number) ** 2;
  if (n === 0) return NaN;
  const hi = select(sq, n >> 1);
  const med = n % 2 ? hi : (maxBelow(sq, n >> 1) + hi) / 2;
  return Math.sqrt(med / 0.45493642311957283);
}

/** The k-th smallest value (0-based) of `x`, which is reordered so that x[0..k) <= x[k] <= x[k+1..) (Hoare's quickselect). */
function select(x: Float64Array, k: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (lo < hi) {
    const pivot = x[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((x[i] as number) < pivot) i++;
      while ((x[j] as number) > pivot) j--;
      if (i <= j) {
        const t = x[i] as number;
        x[i++] = x[j] as number;
        x[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return x[k] as number;
  }
  return x[k] as number;
}

/** Largest of x[0..k) (after select(x, k), the (k-1)-th smallest). */
function maxBelow(x: Float64Array, k: number): number {
  let m = -Infinity;
  for (let i = 0; i < k; i++) if ((x[i] as number) > m) m = x[i] as number;
  return m;
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
