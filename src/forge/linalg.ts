/**
 * @module forge/linalg
 * The little dense linear algebra forge needs: seeded random orthonormal rows and orthogonal
 * matrices (Gram-Schmidt of a Gaussian matrix, twice for accuracy, signs fixed so the result is
 * Haar-distributed), in float64.
 */
import { fillGaussian } from "./gaussian.js";

/**
 * `r` orthonormal rows of length `n` (r <= n), row-major float64: Gram-Schmidt of a seeded
 * Gaussian r x n matrix, re-orthogonalised once ("twice is enough").
 */
export function orthonormalRows(r: number, n: number, seed: number): Float64Array {
  if (r > n) throw new Error(`orthonormalRows: ${r} rows of length ${n}`);
  const g = fillGaussian(new Float32Array(r * n), seed);
  const q = Float64Array.from(g);
  for (let i = 0; i < r; i++) {
    const qi = q.subarray(i * n, (i + 1) * n);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const qj = q.subarray(j * n, (j + 1) * n);
        let dot = 0;
        for (let k = 0; k < n; k++) dot += (qi[k] as number) * (qj[k] as number);
        for (let k = 0; k < n; k++) qi[k] = (qi[k] as number) - dot * (qj[k] as number);
      }
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += (qi[k] as number) ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new Error("orthonormalRows: degenerate Gaussian draw");
    for (let k = 0; k < n; k++) qi[k] = (qi[k] as number) / norm;
  }
  return q;
}

/** A seeded random n x n orthogonal matrix (rows orthonormal), row-major float64. */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  return orthonormalRows(n, n, seed);
}

/** out (rows x m) = a (rows x n) · b (n x m), a float32 rows, b float64; float64 accumulation. */
export function matmulRows(a: Float32Array, n: number, b: Float64Array, m: number): Float32Array {
  const rows = a.length / n;
  const out = new Float32Array(rows * m);
  const acc = new Float64Array(m);
  for (let r = 0; r < rows; r++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const v = a[r * n + k] as number;
      if (v === 0) continue;
      const off = k * m;
      for (let j = 0; j < m; j++) acc[j] = (acc[j] as number) + v * (b[off + j] as number);
    }
    out.set(acc, r * m);
  }
  return out;
}
