import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../numeric/rng.js";
import { poolTest } from "./pool-test.js";

test("the rank p-value counts the controls at or above the suspect, over k + 1", () => {
  assert.equal(poolTest(0.9, [0.1, 0.2, 0.3]).pRank, 0.25);
  assert.equal(poolTest(0.2, [0.1, 0.2, 0.3]).pRank, 0.75);
  assert.equal(poolTest(0.0, [0.1, 0.2, 0.3]).pRank, 1);
});

test("one control, or controls without spread, give no p-value below 1", () => {
  assert.equal(poolTest(0.9, [0.1]).pValue, 1);
  assert.equal(poolTest(0.9, [0.3, 0.3, 0.3]).pValue, 1);
});

test("the t p-value does not depend on the order of the controls and falls as the suspect stands out", () => {
  const a = poolTest(0.7, [0.5, 0.45, 0.52, 0.48]);
  const b = poolTest(0.7, [0.48, 0.52, 0.5, 0.45]);
  assert.equal(a.pValue, b.pValue);
  assert.ok(poolTest(0.9, [0.5, 0.45, 0.52, 0.48]).pValue < a.pValue);
  assert.ok(a.pBest < a.pValue);
});

test("under H0 (suspect and controls i.i.d. normal) P(p <= a) <= a, for 2, 4 and 9 controls", () => {
  const rng = new Rng(15);
  const draws = 4000;
  for (const k of [2, 4, 9]) {
    let at01 = 0;
    let at05 = 0;
    let rank05 = 0;
    for (let i = 0; i < draws; i++) {
      const pool = Array.from({ length: k + 1 }, () => 0.4 + 0.1 * rng.normal());
      const r = poolTest(pool[0] as number, pool.slice(1));
      if (r.pValue <= 0.01) at01++;
      if (r.pValue <= 0.05) at05++;
      if (r.pRank <= 0.2) rank05++;
    }
    // binomial standard error at 4000 draws: 0.0016 at 1 %, 0.0034 at 5 %; allow 3 of them
    assert.ok(at01 / draws <= 0.01 + 0.005, `k=${k}: ${at01 / draws} at 0.01`);
    assert.ok(at05 / draws <= 0.05 + 0.011, `k=${k}: ${at05 / draws} at 0.05`);
    assert.ok(at05 / draws >= 0.05 - 0.011, `k=${k}: ${at05 / draws} at 0.05 (the t p-value is exact, not conservative)`);
    if (k === 4 || k === 9) assert.ok(rank05 / draws <= 0.2 + 0.02, `k=${k}: rank ${rank05 / draws}`);
  }
});
