/** C's roundf: halves away from zero (Math.round rounds halves up, which differs for negatives). */
export function roundf(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** C's nearest_int as ggml writes it for |x| < 2^22: round half to even via the float magic constant. */
export function nearestInt(x: number): number {
  const f = Math.fround(Math.fround(x) + 12582912);
  return f - 12582912;
}
