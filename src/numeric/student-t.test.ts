import { test } from "node:test";
import assert from "node:assert/strict";
import { studentTSf } from "./student-t.js";

test("t(1) is the Cauchy distribution: P(T >= t) = 1/2 - atan(t)/pi", () => {
  for (const t of [0, 0.5, 1, 3, 12.7]) assert.ok(Math.abs(studentTSf(t, 1) - (0.5 - Math.atan(t) / Math.PI)) < 1e-14);
});

test("t(2) has the closed form P(T >= t) = (1 - t / sqrt(t^2 + 2)) / 2", () => {
  for (const t of [0.3, 2, 9.925]) assert.ok(Math.abs(studentTSf(t, 2) - (1 - t / Math.sqrt(t * t + 2)) / 2) < 1e-14);
});

test("textbook critical values: t(3) 0.975 = 3.182, t(10) 0.99 = 2.764, t(30) 0.995 = 2.750", () => {
  assert.ok(Math.abs(studentTSf(3.182446, 3) - 0.025) < 1e-6);
  assert.ok(Math.abs(studentTSf(2.763769, 10) - 0.01) < 1e-6);
  assert.ok(Math.abs(studentTSf(2.749996, 30) - 0.005) < 1e-6);
});

test("symmetric, 1/2 at 0, tends to the normal tail for large df", () => {
  assert.equal(studentTSf(0, 7), 0.5);
  assert.ok(Math.abs(studentTSf(-1.3, 5) + studentTSf(1.3, 5) - 1) < 1e-14);
  assert.ok(Math.abs(studentTSf(1.959964, 2001) - 0.025) < 1e-4);
  assert.throws(() => studentTSf(1, 0), RangeError);
});
