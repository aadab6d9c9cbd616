/** Tensor-level agreement checks between two canonical models, for tests. */
import type { CanonicalModel } from "../model/canonical.js";

/** max |a - b| / max |a| for a canonical key present in both. */
export function relMaxDiff(a: CanonicalModel, b: CanonicalModel, key: string): number {
  const x = a.tensors.get(key)?.read();
  const y = b.tensors.get(key)?.read();
  if (!x || !y || x.length !== y.length) return Infinity;
  let md = 0;
  let mx = 0;
  for (let i = 0; i < x.length; i++) {
    md = Math.max(md, Math.abs((x[i] as number) - (y[i] as number)));
    mx = Math.max(mx, Math.abs(x[i] as number));
  }
  return mx === 0 ? md : md / mx;
}

/** The worst relMaxDiff over every key of `a` that is a weight matrix. */
export function worstMatrixDiff(a: CanonicalModel, b: CanonicalModel): { key: string; diff: number } {
  let worst = { key: "", diff: 0 };
  for (const [k, t] of a.tensors) {
    if (t.shape.length !== 2) continue;
    const d = relMaxDiff(a, b, k);
    if (d > worst.diff) worst = { key: k, diff: d };
  }
  return worst;
}
