/**
 * Fingerprints carry the evidence: on every dev-family pair, the verdict from a fingerprint against
 * the live model, and from two fingerprints, agrees with the verdict from both models' weights —
 * which test/compare/dev-pairs-*.test.ts shows is the ground truth, so it is compared with that.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeFingerprint, encodeFingerprint } from "../../src/fingerprint/codec.js";
import { compareFingerprints, compareFingerprintToModel } from "../../src/fingerprint/compare-fp.js";
import { computeFingerprint } from "../../src/fingerprint/compute.js";
import type { Fingerprint } from "../../src/fingerprint/types.js";
import { loadModel } from "../../src/load-model.js";
import { devPath, TRUTH } from "../../src/test-support/dev-truth.js";

const prints = new Map<string, Fingerprint>();
function fingerprintOf(id: string): Fingerprint {
  let fp = prints.get(id);
  if (!fp) {
    const m = loadModel(devPath(id));
    // through the codec, as a registry stores them
    fp = decodeFingerprint(encodeFingerprint(computeFingerprint(m)));
    m.close();
    prints.set(id, fp);
  }
  return fp;
}

for (const p of TRUTH.pairs) {
  test(`${p.id} ${p.a} vs ${p.b}: fingerprint verdicts agree with the weights' verdict`, () => {
    const weights = { verdict: p.derived ? "derived" : "not derived" };
    const b = loadModel(devPath(p.b));
    const live = compareFingerprintToModel(fingerprintOf(p.a), b);
    b.close();
    const both = compareFingerprints(fingerprintOf(p.a), fingerprintOf(p.b));
    const derived = (v: string) => v === "derived";
    assert.equal(derived(live.verdict), derived(weights.verdict), `fingerprint vs model: ${live.verdict}, weights: ${weights.verdict}`);
    assert.equal(derived(both.verdict), derived(weights.verdict), `fingerprint vs fingerprint: ${both.verdict}, weights: ${weights.verdict}`);
  });
}
