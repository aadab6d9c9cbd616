import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../numeric/rng.js";
import { robustScale } from "./null-scale.js";

function bySorting(v: Float64Array): number {
  const sq = Float64Array.from(v, (x) => x * x).sort();
  const n = sq.length;
  const med = n % 2 ? (sq[(n - 1) / 2] as number) : ((sq[n / 2 - 1] as number) + (sq[n / 2] as number)) / 2;
  return Math.sqrt(med / 0.45493642311957283);
}

test("robustScale's quickselect median equals the sorted median, with ties and any length", () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(300);
    const levels = 1 + rng.int(8); // few distinct values: many ties
    const v = Float64Array.from({ length: n }, () => (trial % 2 ? rng.int(levels) - levels / 2 : rng.uniform() - 0.5));
    assert.equal(robustScale(v), bySorting(v), `n=${n}`);
  }
  assert.ok(Number.isNaN(robustScale([])));
});

test("robustScale of Gaussian samples recovers sigma", () => {
  const rng = new Rng(5);
  const v = Float64Array.from({ length: 20000 }, () => 3 * rng.normal());
  assert.ok(Math.abs(robustScale(v) - 3) < 0.1, String(robustScale(v)));
});
