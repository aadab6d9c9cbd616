/**
 * @module numeric/student-t
 * Upper tail of Student's t distribution for whole degrees of freedom, in closed form
 * (Abramowitz & Stegun 26.7.3-4: finite sums in theta = atan(t / sqrt(df))), exact to rounding.
 */

/** P(|T| <= t) for T ~ t(df), t >= 0, df a whole number >= 1. */
function centralMass(t: number, df: number): number {
  const theta = Math.atan(t / Math.sqrt(df));
  const s = Math.sin(theta);
  const c2 = Math.cos(theta) ** 2;
  if (df % 2 === 1) {
    if (df === 1) return (2 / Math.PI) * theta;
    let term = Math.cos(theta);
    let sum = term;
    for (let j = 3; j <= df - 2; j += 2) {
      term *= (c2 * (j - 1)) / j;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let j = 2; j <= df - 2; j += 2) {
    term *= (c2 * (j - 1)) / j;
    sum += term;
  }
  return s * sum;
}

/** P(T >= t) for T ~ Student t with `df` (a whole number >= 1) degrees of freedom. */
export function studentTSf(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a whole number >= 1, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  if (t < 0) return 1 - studentTSf(-t, df);
  return Math.max(0, (1 - centralMass(t, df)) / 2);
}
