/**
 * The null, checked: 200 pairs of independently synthesized models of equal shape (different
 * seeds), and 100 of different residual widths, must never come out derived, and their p-values
 * must be calibrated — for every level a, at most a fraction a (plus binomial noise) fall at or
 * below a.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { nullPValues, nullPValuesOtherWidths } from "../../src/test-support/null-pairs.js";

test("200 independently synthesized pairs: never derived, p-values calibrated", () => {
  const n = Number(process.env.PEDIGREE_NULL_PAIRS ?? 200);
  const results = nullPValues(n);
  assert.equal(results.filter((r) => r.verdict === "derived").length, 0);
  for (const a of [0.01, 0.05, 0.1, 0.25, 0.5]) {
    const frac = results.filter((r) => r.log10p <= Math.log10(a)).length / n;
    const slack = 3 * Math.sqrt((a * (1 - a)) / n) + 1 / n;
    assert.ok(frac <= a + slack, `P(p <= ${a}) = ${frac}`);
  }
});

test("independent pairs of different residual widths (half of them pruned copies of a third model): never derived, calibrated", () => {
  const n = Number(process.env.PEDIGREE_NULL_PAIRS ?? 200) / 2;
  const results = nullPValuesOtherWidths(n);
  assert.equal(results.filter((r) => r.verdict === "derived").length, 0);
  // a frame was found for every pair: independent, not inconclusive "no shared residual width"
  assert.equal(results.filter((r) => r.verdict === "inconclusive").length, 0);
  for (const a of [0.01, 0.05, 0.1, 0.25, 0.5]) {
    const frac = results.filter((r) => r.log10p <= Math.log10(a)).length / n;
    const slack = 3 * Math.sqrt((a * (1 - a)) / n) + 1 / n;
    assert.ok(frac <= a + slack, `P(p <= ${a}) = ${frac}`);
  }
});
