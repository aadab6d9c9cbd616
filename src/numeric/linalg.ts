/**
 * @module numeric/linalg
 * Dense float64 linear algebra for d x d problems (d up to a few thousand): matrix products,
 * one-sided Jacobi SVD, and the orthogonal Procrustes solution. Row-major Float64Array throughout.
 */

export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  return { rows, cols, data: data ? Float64Array.from(data) : new Float64Array(rows * cols) };
}

/** Aᵀ·B for A (n x p) and B (n x q), as a p x q matrix: the cross-covariance of two row sets. */
export function crossProduct(a: Float64Array | Float32Array, b: Float64Array | Float32Array, n: number, p: number, q: number): Mat {
  const out = new Float64Array(p * q);
  for (let r = 0; r < n; r++) {
    const ao = r * p;
    const bo = r * q;
    for (let i = 0; i < p; i++) {
      const x = a[ao + i] as number;
      if (x === 0) continue;
      const oo = i * q;
      for (let j = 0; j < q; j++) out[oo + j] = (out[oo + j] as number) + x * (b[bo + j] as number);
    }
  }
  return { rows: p, cols: q, data: out };
}

export function multiply(a: Mat, b: Mat): Mat {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const x = a.data[i * a.cols + k] as number;
      if (x === 0) continue;
      const bo = k * b.cols;
      const oo = i * b.cols;
      for (let j = 0; j < b.cols; j++) out[oo + j] = (out[oo + j] as number) + x * (b.data[bo + j] as number);
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

export function transpose(a: Mat): Mat {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j] as number;
  return { rows: a.cols, cols: a.rows, data: out };
}

/**
 * Thin SVD A = U·diag(S)·Vᵀ of an m x n matrix (m >= n) by one-sided Jacobi rotations on the
 * columns: accurate, simple, O(m·n²) per sweep.
 */
export function svd(a: Mat, maxSweeps = 40, tol = 1e-15): { u: Mat; s: Float64Array; v: Mat } {
  const m = a.rows;
  const n = a.cols;
  // columns of A (and of V) stored as contiguous rows: every rotation walks two unit-stride rows
  const w = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a.data[i * n + j] as number;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const op = p * m;
      for (let q = p + 1; q < n; q++) {
        const oq = q * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = w[op + i] as number;
          const y = w[oq + i] as number;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[op + i] as number;
          const y = w[oq + i] as number;
          w[op + i] = c * x - s * y;
          w[oq + i] = s * x + c * y;
        }
        const vp = p * n;
        const vq = q * n;
        for (let i = 0; i < n; i++) {
          const x = v[vp + i] as number;
          const y = v[vq + i] as number;
          v[vp + i] = c * x - s * y;
          v[vq + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(n);
  const u = new Float64Array(m * n);
  const vOut = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (w[j * m + i] as number) ** 2;
    norm = Math.sqrt(norm);
    s[j] = norm;
    for (let i = 0; i < m; i++) u[i * n + j] = norm > 0 ? (w[j * m + i] as number) / norm : 0;
    for (let i = 0; i < n; i++) vOut[i * n + j] = v[j * n + i] as number;
  }
  return { u: { rows: m, cols: n, data: u }, s, v: { rows: n, cols: n, data: vOut } };
}

/**
 * The orthogonal R (p x p) minimising ||X·R − Y||_F given M = Xᵀ·Y (p x p): R = U·Vᵀ where
 * M = U·S·Vᵀ (Schönemann 1966).
 */
export function procrustes(m: Mat): Mat {
  // columns orthogonal to 1e-11 leave R orthogonal far below float32 resolution, in ~2/3 of the sweeps
  const { u, v } = svd(m, 40, 1e-11);
  return multiply(u, transpose(v));
}

/**
 * The rows of M (r x c, r <= c, full row rank) made orthonormal with the least change:
 * (M·Mᵀ)^(-1/2)·M, the polar factor (for a semi-orthogonal M, M itself).
 */
export function orthonormalRows(m: Mat): Mat {
  const g = multiply(m, transpose(m));
  const { u, s } = svd(g, 40, 1e-12);
  // g is symmetric positive definite: g = U·diag(s)·Uᵀ, so g^(-1/2) = U·diag(1/√s)·Uᵀ
  const r = m.rows;
  const w = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let t = 0;
      for (let k = 0; k < r; k++) {
        const sk = s[k] as number;
        if (sk > 0) t += ((u.data[i * r + k] as number) * (u.data[j * r + k] as number)) / Math.sqrt(sk);
      }
      w[i * r + j] = t;
    }
  }
  return multiply({ rows: r, cols: r, data: w }, m);
}
