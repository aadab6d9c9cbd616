import { test } from "node:test";
import assert from "node:assert/strict";
import { fillGaussian, gaussians, inverseNormalCdf } from "./gaussian.js";

test("counter-based: any range of a stream directly, the same every time", () => {
  const whole = gaussians(10_000, 42);
  const part = fillGaussian(new Float32Array(3_000), 42, 5_000);
  assert.deepEqual(part, whole.subarray(5_000, 8_000));
  assert.deepEqual(gaussians(10_000, 42), whole);
  assert.notDeepEqual(gaussians(100, 43), whole.subarray(0, 100));
  // counters past 2^32 continue in a derived stream
  const far = fillGaussian(new Float32Array(10), 42, 2 ** 32 - 5);
  assert.deepEqual(far.subarray(0, 5), fillGaussian(new Float32Array(5), 42, 2 ** 32 - 5));
  assert.deepEqual(far.subarray(5), fillGaussian(new Float32Array(5), 42, 2 ** 32));
});

test("standard normal: moments, tails and the inverse CDF", () => {
  const n = 1 << 21;
  const z = gaussians(n, 7);
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  let t3 = 0;
  let t4 = 0;
  for (const v of z) {
    s1 += v;
    s2 += v * v;
    s4 += v ** 4;
    if (Math.abs(v) > 3) t3++;
    if (Math.abs(v) > 4) t4++;
  }
  assert.ok(Math.abs(s1 / n) < 0.003);
  assert.ok(Math.abs(s2 / n - 1) < 0.005);
  assert.ok(Math.abs(s4 / n - 3) < 0.03);
  assert.ok(Math.abs(t3 / n / 0.0026998 - 1) < 0.05, `P(|z| > 3) = ${t3 / n}`);
  assert.ok(Math.abs(t4 / n / 6.334e-5 - 1) < 0.15, `P(|z| > 4) = ${t4 / n}`);
  assert.ok(Math.abs(inverseNormalCdf(0.975) / 1.959963984540054 - 1) < 2e-9);
  assert.ok(Math.abs(inverseNormalCdf(1e-9) / -5.997807015007687 - 1) < 2e-9);
  assert.equal(inverseNormalCdf(0.5), 0);
});

test("no two streams are shifted copies of each other (seeds a Weyl step apart)", () => {
  const a = gaussians(4096, 1000);
  // seed + 3·0x9e3779b9 would reproduce stream 1000 shifted by 3 without the second seed word
  const b = gaussians(4096, (1000 + Math.imul(3, 0x9e3779b9)) >>> 0);
  let dot = 0;
  let equal = 0;
  for (let i = 0; i < 4093; i++) {
    dot += (a[i + 3] as number) * (b[i] as number);
    if (a[i + 3] === b[i]) equal++;
  }
  assert.ok(Math.abs(dot / 4093) < 0.1, `correlation ${dot / 4093}`);
  assert.ok(equal < 5);
});
