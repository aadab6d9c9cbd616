import assert from "node:assert/strict";
import { test } from "node:test";
import { crossProduct, mat, multiply, procrustes, svd, transpose } from "./linalg.js";
import { Rng } from "./rng.js";
import { logBinomialSf, logGamma, logNormalSf, normalIsf, normalSf } from "./stats.js";

test("logGamma matches factorials and Γ(1/2)", () => {
  for (let n = 1; n < 30; n++) {
    let f = 0;
    for (let k = 2; k < n; k++) f += Math.log(k);
    assert.ok(Math.abs(logGamma(n) - f) < 1e-10 * Math.max(1, f), `n=${n}`);
  }
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-13);
});

test("normal tail: known values, deep tails in log space, and its inverse", () => {
  assert.ok(Math.abs(normalSf(0) - 0.5) < 1e-15);
  assert.ok(Math.abs(normalSf(1.959963984540054) - 0.025) < 1e-13);
  assert.ok(Math.abs(normalSf(-1) - 0.8413447460685429) < 1e-13);
  assert.ok(Math.abs(normalSf(5) / 2.866515718791939e-7 - 1) < 1e-10);
  // Mills ratio asymptote for z = 40: ln φ(z)/z
  const z = 40;
  const asym = -0.5 * z * z - Math.log(z * Math.sqrt(2 * Math.PI)) + Math.log(1 - 1 / (z * z) + 3 / z ** 4);
  assert.ok(Math.abs(logNormalSf(z) - asym) < 1e-6);
  for (const p of [0.4, 1e-3, 1e-9, 1e-30, 1e-200]) assert.ok(Math.abs(logNormalSf(normalIsf(p)) - Math.log(p)) < 1e-8, `p=${p}`);
});

test("binomial upper tail: exact small cases and monotone deep tails", () => {
  // P(Bin(4, 0.5) >= 3) = 5/16
  assert.ok(Math.abs(Math.exp(logBinomialSf(4, 0.5, 3)) - 5 / 16) < 1e-14);
  assert.equal(logBinomialSf(10, 0.1, 0), 0);
  assert.equal(logBinomialSf(10, 0.1, 11), -Infinity);
  // P(Bin(n, q) = n) = q^n
  assert.ok(Math.abs(logBinomialSf(300, 1e-3, 300) - 300 * Math.log(1e-3)) < 1e-9);
  let prev = 0;
  for (let k = 1; k <= 50; k++) {
    const v = logBinomialSf(200, 0.02, k);
    assert.ok(v <= prev + 1e-12);
    prev = v;
  }
});

test("Jacobi SVD reconstructs; Procrustes recovers a rotation", () => {
  const rng = new Rng(3);
  const n = 12;
  const a = mat(20, n, Array.from({ length: 20 * n }, () => rng.normal()));
  const { u, s, v } = svd(a);
  const us = mat(u.rows, u.cols, u.data.map((x, i) => x * (s[i % n] as number)));
  const back = multiply(us, transpose(v));
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs((back.data[i] as number) - (a.data[i] as number)) < 1e-10);
  // X·R = Y for a random orthogonal R: procrustes(Xᵀ·Y) gives R back
  const r = procrustes(mat(n, n, Array.from({ length: n * n }, () => rng.normal())));
  const x = mat(50, n, Array.from({ length: 50 * n }, () => rng.normal()));
  const y = multiply(x, r);
  const rHat = procrustes(crossProduct(x.data, y.data, 50, n, n));
  for (let i = 0; i < r.data.length; i++) assert.ok(Math.abs((rHat.data[i] as number) - (r.data[i] as number)) < 1e-9);
});
