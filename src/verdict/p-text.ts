/**
 * @module verdict/p-text
 * A p-value for people, from its log10 (exact far below the double range): "0.42", "3.1e-15".
 */
export function pText(log10p: number): string {
  if (!Number.isFinite(log10p)) return log10p > 0 ? "1.0" : "0";
  if (log10p > -3) return Math.min(1, 10 ** log10p).toPrecision(2);
  const exp = Math.floor(log10p);
  const mant = 10 ** (log10p - exp);
  return mant >= 9.95 ? `1e${exp + 1}` : `${mant.toFixed(1)}e${exp}`;
}
