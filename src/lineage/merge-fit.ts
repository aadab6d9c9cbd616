/**
 * @module lineage/merge-fit
 * Is M a linear merge of P and Q? On fixed-index units (lineage/deltas.ts) a merge is an affine
 * mixture: v_M − v_Q ≈ x·(v_P − v_Q). Accepted for 0.2 <= x <= 0.8 with a relative residual of at
 * most 0.3 (a fine-tune of P or Q alone leaves x near 0 or 1, or a large residual).
 */
import { dot, sub } from "./deltas.js";

export interface MergeFit {
  /** P's weight in the mixture (Q's is 1 − x). */
  x: number;
  /** |v_M − v_Q − x·(v_P − v_Q)| / |v_M − v_Q|. */
  residual: number;
}

export const MERGE_WEIGHT_RANGE: readonly [number, number] = [0.2, 0.8];
export const MERGE_MAX_RESIDUAL = 0.3;

/** The least-squares mixture weight of M between P and Q, or null when the vectors do not fit. */
export function mergeFit(vm: Float64Array, vp: Float64Array, vq: Float64Array): MergeFit | null {
  if (vm.length !== vp.length || vm.length !== vq.length) return null;
  const a = sub(vm, vq);
  const b = sub(vp, vq);
  const bb = dot(b, b);
  if (bb <= 0) return null;
  const x = dot(a, b) / bb;
  const r = a.map((t, k) => t - x * (b[k] as number));
  const aa = dot(a, a);
  return { x, residual: aa > 0 ? Math.sqrt(dot(r, r) / aa) : 1 };
}

/** Does the fit say M is a merge of P and Q? */
export function isMerge(f: MergeFit | null): f is MergeFit {
  return f !== null && f.x >= MERGE_WEIGHT_RANGE[0] && f.x <= MERGE_WEIGHT_RANGE[1] && f.residual <= MERGE_MAX_RESIDUAL;
}
