import assert from "node:assert/strict";
import { test } from "node:test";
import { multiply, orthonormalRows, procrustes, svd, transpose, type Mat } from "./linalg.js";
import { solveSpd } from "./spd-solve.js";
import { Rng } from "./rng.js";

function random(rows: number, cols: number, rng: Rng): Mat {
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => rng.normal()) };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function identityError(q: Mat): number {
  const g = multiply(transpose(q), q);
  let m = 0;
  for (let i = 0; i < g.rows; i++) for (let j = 0; j < g.cols; j++) m = Math.max(m, Math.abs((g.data[i * g.cols + j] as number) - (i === j ? 1 : 0)));
  return m;
}

test("svd: U·S·Vᵀ rebuilds A, U and V are orthonormal, singular values are non-negative", () => {
  const rng = new Rng(1);
  for (const [m, n] of [[6, 6], [40, 17], [64, 64]] as const) {
    const a = random(m, n, rng);
    const { u, s, v } = svd(a);
    const us: Mat = { rows: m, cols: n, data: u.data.map((x, i) => x * (s[i % n] as number)) };
    assert.ok(maxAbsDiff(multiply(us, transpose(v)).data, a.data) < 1e-9, `${m}x${n} reconstruction`);
    assert.ok(identityError(u) < 1e-9 && identityError(v) < 1e-9, `${m}x${n} orthonormal`);
    assert.ok(Array.from(s).every((x) => x >= 0));
  }
});

test("procrustes recovers a known rotation from noisy rotated rows", () => {
  const rng = new Rng(2);
  const d = 24;
  const k = 80;
  const r = svd(random(d, d, rng)).u; // a random orthogonal matrix
  const x = random(k, d, rng);
  const y = multiply(x, r);
  for (let i = 0; i < y.data.length; i++) y.data[i] = (y.data[i] as number) + 0.01 * rng.normal();
  const est = procrustes(multiply(transpose(x), y));
  assert.ok(identityError(est) < 1e-9, "orthogonal");
  assert.ok(maxAbsDiff(est.data, r.data) < 0.01, "close to the true rotation");
});

test("solveSpd solves (A + ridge·I)·X = B, across and within its blocks; a matrix that is not positive definite throws", () => {
  const rng = new Rng(12);
  // sizes below, at and across the block size, with a ragged last block
  for (const [n, m, ridge] of [[1, 1, 0.5], [3, 2, 1e-3], [128, 5, 1e-3], [300, 17, 0.5]] as const) {
    const x = random(2 * n, n, rng);
    const a = multiply(transpose(x), x);
    const b = random(n, m, rng);
    const sol = solveSpd(a.data, n, b.data, m, ridge);
    const shifted = Float64Array.from(a.data, (v, i) => v + (i % (n + 1) === 0 ? ridge : 0));
    const back = multiply({ rows: n, cols: n, data: shifted }, { rows: n, cols: m, data: sol });
    const scale = b.data.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    // float32 panel products: residuals at float32 precision times the (moderate) condition number
    assert.ok(maxAbsDiff(back.data, b.data) < 1e-3 * scale, `n ${n}: residual ${maxAbsDiff(back.data, b.data)}`);
  }
  assert.throws(() => solveSpd(Float64Array.from([1, 2, 2, 1]), 2, Float64Array.from([1, 1]), 1), /not positive definite/);
});

test("orthonormalRows: rows become orthonormal, and an already orthonormal set is kept", () => {
  const rng = new Rng(13);
  const m = random(6, 40, rng);
  const q = orthonormalRows(m);
  assert.ok(identityError(transpose(q)) < 1e-10);
  // the polar factor of an orthonormal set is the set itself
  const again = orthonormalRows(q);
  assert.ok(maxAbsDiff(again.data, q.data) < 1e-10);
});
