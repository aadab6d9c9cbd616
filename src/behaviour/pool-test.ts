/**
 * @module behaviour/pool-test
 * The test of H0 "B was trained without access to A's outputs, like the controls": under H0 the
 * suspect B and the k controls are exchangeable draws of "a model trained independently of A", so
 * their (leave-one-out, hence symmetric) agreements with A's idiosyncrasies are exchangeable too.
 *
 * The unit of replication is the independently trained model, not the probe position: two fixed
 * independent models differ consistently over the probe texts (dev-families, target G: D agrees
 * more with G's idiosyncrasies than A does on 24 of 30 texts, sign test p = 7e-4), so a test that
 * treats texts or positions as replicates rejects H0 for independent pairs. Two p-values:
 *  - pRank: the rank of B's agreement among the k + 1 (exact, no assumption beyond exchangeability;
 *    its smallest value is 1 / (k + 1));
 *  - pValue: B's agreement against a normal distribution fitted to the controls' (a prediction
 *    interval: t = (sB - mean) / (sd sqrt(1 + 1/k)) ~ t(k - 1) if the k + 1 agreements are i.i.d.
 *    normal under H0). It can go below 1 / (k + 1), but only as far as the controls' spread allows.
 */
import { studentTSf } from "../numeric/student-t.js";

export interface PoolTest {
  /** B's agreement (mean over probe texts). */
  suspect: number;
  /** Each control's agreement. */
  controls: number[];
  /** B's agreement minus the controls' mean (the effect size, in correlation units). */
  effect: number;
  /** That difference in units of the controls' spread (sd sqrt(1 + 1/k)); NaN with fewer than 2 controls. */
  t: number;
  /** Student-t prediction p-value (1 with fewer than 2 controls or no spread). */
  pValue: number;
  /** Exact rank p-value: (1 + controls at or above B) / (k + 1). */
  pRank: number;
  /** The p-value a perfect copy of A (agreement 1) would get: above the level, the test cannot detect anything. */
  pBest: number;
}

export function poolTest(suspect: number, controls: number[]): PoolTest {
  const k = controls.length;
  const pRank = (1 + controls.filter((c) => c >= suspect).length) / (k + 1);
  const mean = controls.reduce((s, c) => s + c, 0) / Math.max(1, k);
  const effect = suspect - mean;
  if (k < 2) return { suspect, controls, effect, t: NaN, pValue: 1, pRank, pBest: 1 };
  const sd = Math.sqrt(controls.reduce((s, c) => s + (c - mean) ** 2, 0) / (k - 1));
  const scale = sd * Math.sqrt(1 + 1 / k);
  if (!(scale > 0)) return { suspect, controls, effect, t: NaN, pValue: 1, pRank, pBest: 1 };
  const t = effect / scale;
  return { suspect, controls, effect, t, pValue: studentTSf(t, k - 1), pRank, pBest: studentTSf((1 - mean) / scale, k - 1) };
}
