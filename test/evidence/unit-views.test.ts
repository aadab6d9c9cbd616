/**
 * The streamed MLP read (normalised in the pass that reads it, with its probe sketch) gives exactly
 * the values of the materialised read followed by normalisation, on a real model with norm gains.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadModel } from "../../src/load-model.js";
import { readMlpNormalized, readUnits } from "../../src/evidence/unit-views.js";
import { rowNorms } from "../../src/evidence/similarity.js";
import { sharedPath } from "../../src/test-support/shared.js";

const m = loadModel(sharedPath("dev-families", "A"));

test("readMlpNormalized equals readUnits + row normalisation, and its sketch equals restrict + renormalise", () => {
  const coords = Int32Array.from([0, 3, 7, 11, 20, 31]);
  for (const l of [0, m.params.nLayers - 1]) {
    const s = readMlpNormalized(m, l, coords);
    const u = readUnits(m, l, "mlp", undefined, false);
    assert.ok(s && u);
    assert.deepEqual(s.set.views, u.views);
    assert.equal(s.set.n, u.n);
    u.data.forEach((x, v) => {
      const norms = rowNorms(x, u.n, u.d);
      const got = s.set.data[v] as Float32Array;
      let gains = 0;
      for (let r = 0; r < u.n; r++) {
        assert.equal((s.norms[v] as Float64Array)[r], norms[r]);
        const inv = (norms[r] as number) > 0 ? 1 / (norms[r] as number) : 0;
        for (let j = 0; j < u.d; j++) assert.equal(got[r * u.d + j], Math.fround((x[r * u.d + j] as number) * inv));
        // the sketch: normalised row at coords, normalised again
        const sub = Array.from(coords, (c) => got[r * u.d + c] as number);
        const sn = Math.sqrt(sub.reduce((a, b) => a + b * b, 0));
        const sk = (s.sketch?.data[v] as Float32Array).subarray(r * coords.length, (r + 1) * coords.length);
        sub.forEach((y, i) => assert.equal(sk[i], Math.fround(y * (sn > 0 ? 1 / sn : 0))));
        gains += norms[r] as number;
      }
      assert.ok(gains > 0);
    });
  }
});
