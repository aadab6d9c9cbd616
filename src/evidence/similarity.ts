/**
 * @module evidence/similarity
 * Cosine kernels over row sets: normalise rows, dot products of a few query rows against many
 * candidate rows. These are the hot loops of `compare`.
 */

import { dotsJs, dotsWasm, dotsWasmBytes, wasmDotsAvailable, WASM_MAX_BYTES } from "../numeric/wasm/dots.js";

/** Rows scaled to unit length (zero rows stay zero). */
export function normalizeRows(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += (x[o + j] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < cols; j++) out[o + j] = (x[o + j] as number) * inv;
  }
  return out;
}

export function rowNorms(x: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0, o = r * cols; j < cols; j++) s += (x[o + j] as number) ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** q (m x d) · cᵀ (n x d) -> m x n, both row-normalised: all cosines. */
export function cosines(q: Float32Array, m: number, c: Float32Array, n: number, d: number): Float32Array {
  // WebAssembly SIMD (f32 sums, ~10x the JS loop) when the runtime has it and the shape fits its memory
  // bound; otherwise the 2 x 4 blocked JS loop (f64 sums).
  if (wasmDotsAvailable() && q.length >= m * d && c.length >= n * d && dotsWasmBytes(m, n, d) <= WASM_MAX_BYTES) {
    return dotsWasm(q, m, c, n, d);
  }
  return dotsJs(q, m, c, n, d);
}

/** One cosine between row i of q and row j of c (row-normalised inputs). */
export function cosineAt(q: Float32Array, i: number, c: Float32Array, j: number, d: number): number {
  let s = 0;
  const qo = i * d;
  const co = j * d;
  for (let k = 0; k < d; k++) s += (q[qo + k] as number) * (c[co + k] as number);
  return s;
}

/** Keep columns `cols` of a row-major matrix (a coordinate sketch). */
export function selectColumns(x: Float32Array, rows: number, d: number, cols: Int32Array): Float32Array {
  const k = cols.length;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = x[r * d + (cols[j] as number)] as number;
  return out;
}

/** Indices of the t largest values of v (descending). */
export function topK(v: Float32Array | Float64Array, offset: number, n: number, t: number): number[] {
  const best: number[] = [];
  for (let j = 0; j < n; j++) {
    const x = v[offset + j] as number;
    if (best.length < t || x > (v[offset + (best[best.length - 1] as number)] as number)) {
      let p = best.length < t ? best.length : best.length - 1;
      if (best.length < t) best.push(j);
      while (p > 0 && (v[offset + (best[p - 1] as number)] as number) < x) {
        best[p] = best[p - 1] as number;
        p--;
      }
      best[p] = j;
    }
  }
  return best;
}
