/**
 * @module verdict/transforms/merge-weights
 * With the suspected parents of a merge given (`--with`), estimate the mixing weights: least
 * squares B ≈ Σ w_k·P_k over sampled rows of the weight matrices that all of them share.
 */
import type { CanonicalModel } from "../../model/canonical.js";
import { mat, multiply, transpose } from "../../numeric/linalg.js";
import { Rng } from "../../numeric/rng.js";

export interface MergeFit {
  weights: number[];
  /** Fraction of B's variance the mix explains. */
  r2: number;
  tensors: number;
}

function solve(g: Float64Array, h: Float64Array, k: number): number[] {
  // Gaussian elimination with partial pivoting on the k x k normal equations
  const a = Array.from({ length: k }, (_, i) => [...Array.from(g.subarray(i * k, (i + 1) * k)), h[i] as number]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs((a[r] as number[])[c] as number) > Math.abs((a[p] as number[])[c] as number)) p = r;
    [a[c], a[p]] = [a[p] as number[], a[c] as number[]];
    const pivot = (a[c] as number[])[c] as number;
    if (Math.abs(pivot) < 1e-300) continue;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = ((a[r] as number[])[c] as number) / pivot;
      for (let j = c; j <= k; j++) (a[r] as number[])[j] = ((a[r] as number[])[j] as number) - f * ((a[c] as number[])[j] as number);
    }
  }
  return a.map((row, i) => (row[k] as number) / (row[i] as number));
}

export function mergeWeights(b: CanonicalModel, parents: CanonicalModel[], seed = 5): MergeFit | null {
  const k = parents.length;
  if (k === 0) return null;
  const rng = new Rng(seed);
  const keys = [...b.tensors.values()].filter((t) => t.shape.length === 2 && parents.every((p) => p.tensors.get(t.key)?.size === t.size)).map((t) => t.key);
  if (keys.length === 0) return null;
  const pick = keys.length <= 8 ? keys : Array.from({ length: 8 }, (_, i) => keys[Math.floor((i * keys.length) / 8)] as string);
  const g = new Float64Array(k * k);
  const h = new Float64Array(k);
  let bb = 0;
  const rowsUsed: Array<{ key: string; rows: number[] }> = [];
  for (const key of pick) {
    const tb = b.tensors.get(key);
    if (!tb) continue;
    const rows = Array.from({ length: Math.min(16, tb.rows) }, () => rng.int(tb.rows));
    rowsUsed.push({ key, rows });
    for (const r of rows) {
      const y = tb.readRows(r, 1);
      const xs = parents.map((p) => (p.tensors.get(key) as NonNullable<ReturnType<typeof p.tensors.get>>).readRows(r, 1));
      for (let i = 0; i < k; i++) {
        const xi = xs[i] as Float32Array;
        for (let c = 0; c < y.length; c++) h[i] = (h[i] as number) + (xi[c] as number) * (y[c] as number);
        for (let j = 0; j < k; j++) {
          const xj = xs[j] as Float32Array;
          let s = 0;
          for (let c = 0; c < y.length; c++) s += (xi[c] as number) * (xj[c] as number);
          g[i * k + j] = (g[i * k + j] as number) + s;
        }
      }
      for (let c = 0; c < y.length; c++) bb += (y[c] as number) ** 2;
    }
  }
  const w = solve(g, h, k);
  // residual = bb - 2 wᵀh + wᵀ G w
  const wm = mat(k, 1, w);
  const gw = multiply(mat(k, k, g), wm);
  const quad = multiply(transpose(wm), gw).data[0] as number;
  const lin = w.reduce((s, x, i) => s + x * (h[i] as number), 0);
  const resid = bb - 2 * lin + quad;
  return { weights: w, r2: bb > 0 ? 1 - resid / bb : 0, tensors: rowsUsed.length };
}
