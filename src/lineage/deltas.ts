/**
 * @module lineage/deltas
 * Fixed-index units as one vector per fingerprint, for relatives that kept their unit order: a
 * linear merge of P and Q is an affine mixture of their vectors.
 */
import { fromSketch } from "../fingerprint/sketch.js";
import type { Fingerprint } from "../fingerprint/types.js";

/** The fixed-index gate rows of every layer, concatenated; null when the fingerprint has none. */
export function fixedVector(fp: Fingerprint): Float64Array | null {
  const parts: Float32Array[] = [];
  for (const lp of fp.layers) {
    const s = lp.mlp?.fixedRows[0];
    if (!s) return null;
    parts.push(fromSketch(s));
  }
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Same structure, and the units still correspond (most fixed units point the same way)? */
export function aligned(a: Float64Array, b: Float64Array, width: number): boolean {
  if (a.length !== b.length || width <= 0) return false;
  let agree = 0;
  let total = 0;
  for (let o = 0; o + width <= a.length; o += width) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let j = o; j < o + width; j++) {
      ab += (a[j] as number) * (b[j] as number);
      aa += (a[j] as number) ** 2;
      bb += (b[j] as number) ** 2;
    }
    total++;
    if (aa > 0 && bb > 0 && ab / Math.sqrt(aa * bb) > 0.5) agree++;
  }
  return total > 0 && agree >= 0.8 * total;
}

export function sub(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((x, i) => x - (b[i] as number));
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

